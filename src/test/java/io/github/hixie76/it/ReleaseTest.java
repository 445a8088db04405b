package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.Echo;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closed connections do not pile up on the heap until their timers would have fired: with the
 * default timeouts (10 s handshake, 5 s close), 100 connections whose handshake or closing timer
 * ran must be collectable within 3 s of their close. (Jetty may keep the last task a pool
 * thread ran until that thread runs another, so a few may stay for a while; not 100.)
 */
class ReleaseTest {

    private static final int CONNECTIONS = 100;
    private static final int KEPT_AT_MOST = 10;
    private static final Queue<WeakReference<Endpoint>> ENDPOINTS = new ConcurrentLinkedQueue<>();
    private static volatile CountDownLatch closed;

    /** An {@link Echo} that remembers itself, weakly. */
    public static class Remembered extends Echo {
        public Remembered() {
            ENDPOINTS.add(new WeakReference<>(this));
        }

        @Override
        public void onClose(Session session) {
            closed.countDown();
        }
    }

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/remembered", Remembered.class), Map.of());

    /** The handshake timeout runs until key3 arrives: here after the server has answered the headers. */
    @Test
    void connectionsWhoseKey3CameLateAreNotKeptByTheirHandshakeTimers() throws Exception {
        ENDPOINTS.clear();
        closed = new CountDownLatch(CONNECTIONS);
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                RawSocket raw = new RawSocket(SERVER.port());
                sockets.add(raw);
                raw.write(RawSocket.specRequest("/remembered"));
            }
            // the 101 headers come before key3 does: then the server is waiting for it, its timer running
            for (RawSocket raw : sockets) {
                assertEquals(101, raw.readHead().status());
            }
            for (RawSocket raw : sockets) {
                raw.write(Draft.EXAMPLE.key3());
                assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
                raw.write(new byte[] {(byte) 0xFF, 0x00});
                raw.readToEnd();
            }
        } finally {
            for (RawSocket raw : sockets) {
                raw.close();
            }
        }
        assertCollected();
    }

    /** The closing timeout runs from the server's FF 00 until the client answers. */
    @Test
    void connectionsTheServerClosedAreNotKeptByTheirClosingTimers() throws Exception {
        ENDPOINTS.clear();
        closed = new CountDownLatch(CONNECTIONS);
        for (int i = 0; i < CONNECTIONS; i++) {
            try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/remembered"))) {
                client.send(Echo.CLOSE);
                assertTrue(client.awaitClose(Duration.ofSeconds(5)));
            }
        }
        assertCollected();
    }

    private static void assertCollected() throws InterruptedException {
        assertTrue(closed.await(5, TimeUnit.SECONDS), "onClose for each, missing " + closed.getCount());
        assertEquals(CONNECTIONS, ENDPOINTS.size());
        long start = System.nanoTime();
        Await.until(() -> reachable() + " of " + CONNECTIONS + " closed sessions still reachable", Duration.ofSeconds(3),
                () -> {
                    System.gc();
                    return reachable() <= KEPT_AT_MOST;
                });
        System.out.printf("%d closed connections: %d still reachable after %.2f s%n", CONNECTIONS, reachable(),
                (System.nanoTime() - start) / 1e9);
    }

    private static long reachable() {
        return ENDPOINTS.stream().filter(reference -> reference.get() != null).count();
    }
}
