package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.demo.EchoEndpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The refusal helper against embedded Jetty: /echo accepts, any other path is a 404. */
class RejectionsTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/echo", EchoEndpoint.class), Map.of());

    @Test
    void returnsTheRefusal() throws Exception {
        HandshakeException refusal = Rejections.expectRejection(SERVER.uri("/nowhere"), 404);
        assertEquals(404, refusal.status());
    }

    @Test
    void failsWhenTheServerAccepts() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> Rejections.expectRejection(SERVER.uri("/echo"), 404));
        assertEquals("expected the handshake to be refused with 404, but the server accepted it (101)",
                failure.getMessage());
    }

    @Test
    void failsOnAnotherStatus() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> Rejections.expectRejection(SERVER.uri("/nowhere"), Hixie76Client.Options.defaults(), 400));
        assertTrue(failure.getMessage().startsWith(
                "expected the handshake to be refused with 400, got: status: expected 101, got 'HTTP/1.1 404 "),
                failure.getMessage());
        assertEquals(404, ((HandshakeException) failure.getCause()).status());
    }
}
