package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.demo.ChatEndpoint;
import io.github.hixie76.demo.EchoEndpoint;
import io.github.hixie76.server.EndpointMetricsMXBean;
import io.github.hixie76.server.Hixie76Servlet;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Bytes;
import io.github.hixie76.testing.RawSocket;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Abusive clients against a running server with small limits. After each abuse the server
 * still serves new clients, every connection is accounted for (the endpoint's connection count
 * returns to 0), and the heap after a GC is back within 10 % of where it was. Each test prints
 * its figures.
 */
class AbuseTest {

    private static final int MAX_CONNECTIONS = 100;
    private static final int MAX_MESSAGE = 64 * 1024;
    private static final int MAX_OUTBOUND = 256 * 1024;
    private static Server server;
    private static int port;
    private long heapBefore;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        Map<String, String> limits = Map.of("maxMessageSize", "" + MAX_MESSAGE, "maxOutboundBytes", "" + MAX_OUTBOUND,
                "handshakeTimeoutMs", "1000", "closeTimeoutMs", "500");
        add(context, "echo", EchoEndpoint.class, limits);
        add(context, "chat", ChatEndpoint.class, limits);
        add(context, "capped", EchoEndpoint.class, Map.of("maxConnections", "" + MAX_CONNECTIONS));
        add(context, "idle", EchoEndpoint.class, Map.of("idleTimeoutMs", "700", "closeTimeoutMs", "500"));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    private static void add(ServletContextHandler context, String name, Class<?> endpoint, Map<String, String> params) {
        ServletHolder holder = new ServletHolder(name, Hixie76Servlet.class);
        holder.setInitParameters(new java.util.HashMap<>(params));
        holder.setInitParameter("endpoint", endpoint.getName());
        holder.setAsyncSupported(true);
        holder.setInitOrder(1);
        context.addServlet(holder, "/" + name);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @org.junit.jupiter.api.BeforeEach
    void measure() {
        heapBefore = usedHeapAfterGc();
    }

    @AfterEach
    void recovered() throws Exception {
        for (String name : List.of("echo", "chat", "idle", "capped")) {
            Await.until(name + " connections back to 0", Duration.ofSeconds(10), () -> metrics(name).getConnections() == 0);
        }
        try (Hixie76Client client = Hixie76Client.connect(uri("/echo"))) {
            client.send("still serving");
            assertEquals("still serving", client.receive());
        }
        long heapAfter = usedHeapAfterGc();
        System.out.printf("  heap after GC: before %.1f MiB, after %.1f MiB%n", heapBefore / 1048576.0, heapAfter / 1048576.0);
        assertTrue(heapAfter <= heapBefore * 1.10 + 512 * 1024, "heap " + heapBefore + " -> " + heapAfter);
    }

    @Test
    void connectionsOverTheLimitGet503() throws Exception {
        List<Hixie76Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                clients.add(Hixie76Client.connect(uri("/capped")));
            }
            HandshakeException refused = assertThrows(HandshakeException.class, () -> Hixie76Client.connect(uri("/capped")));
            assertEquals(503, refused.status());
            assertEquals(1L, metrics("capped").getHandshakesRejected().get("capacity"));
        } finally {
            for (Hixie76Client client : clients) {
                client.close();
            }
        }
        System.out.printf("max connections: %d open, the next refused with 503%n", MAX_CONNECTIONS);
    }

    @Test
    void aFrameThatNeverEndsIsCutOffAtTheLimit() throws Exception {
        long sent;
        long dropped = dropped("echo", "message-size");
        long start = System.nanoTime();
        try (RawSocket raw = RawSocket.opened(port, "/echo")) {
            sent = raw.writeEndlessFrame();
            byte[] rest = raw.readRest();
            // the server writes FF 00, then closes; the reset its close causes may overtake the FF 00
            assertTrue(rest.length == 0 || Arrays.equals(Bytes.closeFrame(), rest),
                    "FF 00 or nothing, then the end: " + Bytes.hex(rest));
        }
        assertTrue(sent < 16L << 20, "the server kept reading an endless frame: " + sent + " bytes");
        assertEquals(dropped + 1, dropped("echo", "message-size"));
        System.out.printf("endless frame: cut off at the 64 KiB limit in %.2f s; the client's writes went on into socket"
                + " buffers for %d bytes until the reset%n", (System.nanoTime() - start) / 1e9, sent);
    }

    @Test
    void aConsumerThatStopsReadingIsDisconnectedAndTheOthersGetEverything() throws Exception {
        int messages = 2_000;
        String payload = "m".repeat(8 * 1024);
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        ExecutorService readers = Executors.newFixedThreadPool(2);
        long dropped = dropped("chat", "outbound-queue");
        long start = System.nanoTime();
        try (RawSocket slow = new RawSocket(stalled);
                Hixie76Client sender = Hixie76Client.connect(uri("/chat"));
                Hixie76Client reader = Hixie76Client.connect(uri("/chat"))) {
            slow.handshake("/chat");
            Await.until("three chat sessions", Duration.ofSeconds(5), () -> metrics("chat").getOpenSessions() == 3);
            Future<Integer> toReader = readers.submit(() -> countReceived(reader, messages, payload));
            Future<Integer> toSender = readers.submit(() -> countReceived(sender, messages, payload));
            for (int i = 0; i < messages; i++) {
                sender.send(i + payload);
            }
            assertEquals(messages, toReader.get(60, TimeUnit.SECONDS));
            assertEquals(messages, toSender.get(60, TimeUnit.SECONDS));
            Await.until("the stalled consumer disconnected", Duration.ofSeconds(10),
                    () -> dropped("chat", "outbound-queue") == dropped + 1);
        } finally {
            readers.shutdownNow();
        }
        System.out.printf("stalled consumer: disconnected past the %d KiB queue; 2 others got all %d messages (%d MiB"
                + " each), %.2f s%n", MAX_OUTBOUND / 1024, messages, messages * 8 / 1024, (System.nanoTime() - start) / 1e9);
    }

    @Test
    void clientsThatNeverSendKey3AreDropped() throws Exception {
        int count = 500;
        List<RawSocket> sockets = new ArrayList<>();
        long dropped = dropped("echo", "handshake-timeout");
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                RawSocket raw = new RawSocket(port);
                sockets.add(raw);
                raw.write(RawSocket.specRequest("/echo"));
            }
            for (RawSocket raw : sockets) {
                assertEquals(101, raw.readHead().status());
                assertArrayEquals(new byte[0], raw.readRest(), "no digest, then the end");
            }
        } finally {
            for (RawSocket raw : sockets) {
                raw.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(dropped + count, dropped("echo", "handshake-timeout"));
        System.out.printf("no key3: %d connections dropped by the 1 s handshake timeout, all gone after %.2f s%n", count, seconds);
    }

    @Test
    void anIdleConnectionIsClosedWhenAnIdleTimeoutIsSet() throws Exception {
        double seconds = secondsUntilDropped("idle-timeout", raw -> {
            assertArrayEquals(Bytes.closeFrame(), raw.readExactly(2), "the server starts the closing handshake");
            raw.write(Bytes.closeFrame());
            assertArrayEquals(new byte[0], raw.readRest());
        });
        assertTrue(seconds >= 0.65, "closed after " + seconds + " s");
        System.out.printf("idle timeout 0.7 s: closed after %.2f s%n", seconds);
    }

    @Test
    void aClientThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        double seconds = secondsUntilDropped("close-timeout", raw -> {
            assertArrayEquals(Bytes.closeFrame(), raw.readExactly(2));
            assertArrayEquals(new byte[0], raw.readRest(), "no answer, then the end after the close timeout");
        });
        assertTrue(seconds >= 1.15, "closed after " + seconds + " s");
        System.out.printf("silent at close: FF 00 after 0.7 s idle, TCP closed after %.2f s%n", seconds);
    }

    /** Runs {@code client} on a connection to {@code /idle}; the seconds it took, once one drop for {@code reason} is counted. */
    private static double secondsUntilDropped(String reason, RawClient client) throws Exception {
        long dropped = dropped("idle", reason);
        long start = System.nanoTime();
        try (RawSocket raw = RawSocket.opened(port, "/idle")) {
            client.run(raw);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(dropped + 1, dropped("idle", reason));
        return seconds;
    }

    private interface RawClient {
        void run(RawSocket raw) throws Exception;
    }

    @Test
    void tenThousandConnectHandshakeCloseCycles() throws Exception {
        int cycles = 10_000;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < cycles; i++) {
                done.add(clients.submit(() -> {
                    Hixie76Client client = Hixie76Client.connect(uri("/echo"));
                    client.close();
                    return client.closeReceived();
                }));
            }
            for (Future<Boolean> cycle : done) {
                assertTrue(cycle.get(60, TimeUnit.SECONDS), "the server answered FF 00");
            }
        } finally {
            clients.shutdownNow();
        }
        System.out.printf("%d connect-handshake-close cycles in %.2f s%n", cycles, (System.nanoTime() - start) / 1e9);
    }

    @Test
    void connectionsResetMidFrameLeakNothing() throws Exception {
        int count = 500;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            RawSocket raw = RawSocket.opened(port, "/echo");
            raw.write(new byte[] {0x00, 'p', 'a', 'r', 't'});
            raw.socket().setSoLinger(true, 0);
            raw.close();
        }
        System.out.printf("%d connections reset mid-frame in %.2f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    // ---- helpers

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static int countReceived(Hixie76Client client, int expected, String payload) throws IOException {
        for (int i = 0; i < expected; i++) {
            String message = client.receive();
            if (!(i + payload).equals(message)) {
                return i;
            }
        }
        return expected;
    }

    private static long dropped(String endpoint, String limit) {
        return metrics(endpoint).getConnectionsDropped().getOrDefault(limit, 0L);
    }

    static EndpointMetricsMXBean metrics(String name) {
        try {
            ObjectName objectName = new ObjectName("io.github.hixie76:type=Endpoint,context=\"/\",name=\"" + name + "\"");
            return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), objectName, EndpointMetricsMXBean.class);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
