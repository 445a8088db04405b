package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.client.Hixie76Client.Options;
import java.io.IOException;
import java.net.URI;

/**
 * For tests of refusals: opens a handshake that the server must refuse with a given status,
 * and returns the refusal, whose {@link HandshakeException#body()} is the server's reason.
 * Stateless and thread-safe.
 */
public final class Rejections {

    private Rejections() {
    }

    /**
     * The server's refusal of a handshake to {@code uri} with these options.
     *
     * @throws org.opentest4j.AssertionFailedError when the server accepted the handshake (the
     *     connection is then closed) or refused it with another status, or a client check
     *     failed on a 101
     * @throws IOException when no HTTP answer came (connect failure, timeout)
     */
    public static HandshakeException expectRejection(URI uri, Options options, int expectedStatus) throws IOException {
        String expected = "expected the handshake to be refused with " + expectedStatus;
        try {
            Hixie76Client.connect(uri, options).close();
        } catch (HandshakeException refused) {
            if (refused.status() != expectedStatus) {
                fail(expected + ", got: " + refused.getMessage(), refused);
            }
            return refused;
        }
        return fail(expected + ", but the server accepted it (101)");
    }

    /** {@link #expectRejection(URI, Options, int)} with the default options. */
    public static HandshakeException expectRejection(URI uri, int expectedStatus) throws IOException {
        return expectRejection(uri, Options.defaults(), expectedStatus);
    }
}
