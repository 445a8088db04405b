package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.JettyServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 connections open at once on the demo server with Jetty's default thread pool (at most
 * 200 threads): each echoes once. Were a thread held per connection, the pool could not serve
 * them, and the JVM's thread count would show it.
 */
class ConcurrentConnectionsTest {

    private static final int CONNECTIONS = 2_000;

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.demo();

    @Test
    void twoThousandConnectionsEchoWithTheDefaultThreadPool() throws Exception {
        QueuedThreadPool pool = (QueuedThreadPool) SERVER.server().getThreadPool();
        assertEquals(200, pool.getMaxThreads(), "Jetty's default pool");

        List<Hixie76Client> clients = new ArrayList<>();
        ExecutorService connectors = Executors.newFixedThreadPool(8);
        try {
            List<Future<Hixie76Client>> opening = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                opening.add(connectors.submit(() -> Hixie76Client.connect(SERVER.uri("/echo"))));
            }
            for (Future<Hixie76Client> client : opening) {
                clients.add(client.get());
            }
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(threads < 400, CONNECTIONS + " open connections, " + threads + " threads in the JVM");

            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).send("message " + i);
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals("message " + i, clients.get(i).receive());
            }
            assertTrue(pool.getThreads() <= 200, "pool grew to " + pool.getThreads());
        } finally {
            connectors.shutdownNow();
            for (Hixie76Client client : clients) {
                client.close();
            }
        }
    }
}
