package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A closed connection is garbage at once, not when its timers would have fired: with the
 * default timeouts (10 s handshake, 5 s close), a session's endpoint must be collectable
 * within 3 s of its close, or a server under churn keeps seconds' worth of dead connections.
 */
class ReleaseTest {

    private static volatile WeakReference<Endpoint> last;
    private static volatile CountDownLatch closed;

    /** Remembers itself, weakly. */
    public static class Remembered implements Endpoint {
        public Remembered() {
            last = new WeakReference<>(this);
        }

        @Override
        public void onMessage(Session session, String text) {
            if (text.equals("bye")) {
                session.close();
            } else {
                session.send(text);
            }
        }

        @Override
        public void onClose(Session session) {
            closed.countDown();
        }
    }

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/remembered", Remembered.class), Map.of());

    /** The handshake timeout runs until key3 arrives: here 100 ms after the headers. */
    @Test
    void aConnectionWhoseKey3CameLateIsNotKeptByItsHandshakeTimer() throws Exception {
        closed = new CountDownLatch(1);
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.specRequest("/remembered"));
            Thread.sleep(100);
            raw.write(RawSocket.SPEC_KEY3);
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(RawSocket.bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
            raw.write(new byte[] {(byte) 0xFF, 0x00});
            raw.readToEnd();
        }
        assertCollected();
    }

    /** The closing timeout runs from the server's FF 00 until the client answers. */
    @Test
    void aConnectionTheServerClosedIsNotKeptByItsClosingTimer() throws Exception {
        closed = new CountDownLatch(1);
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/remembered"))) {
            client.send("bye");
            assertTrue(client.awaitClose(Duration.ofSeconds(5)));
        }
        assertCollected();
    }

    private static void assertCollected() throws InterruptedException {
        assertTrue(closed.await(5, TimeUnit.SECONDS), "onClose");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (last.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(last.get() == null, "the endpoint of a closed session is still reachable");
    }
}
