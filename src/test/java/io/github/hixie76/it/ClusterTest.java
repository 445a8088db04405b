package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.ClusterNode;
import io.github.hixie76.testing.FreezingProxy;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.RedisServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Broadcasts across nodes through a real redis-server: several in-process nodes (each its own
 * Jetty, bus and node id) on one Redis, hixie-76 clients and the JDK's RFC 6455 client, and
 * the faults: Redis killed and restarted, CLIENT KILL, a frozen connection, a frozen Redis,
 * stops and starts. Recovery times are printed.
 */
class ClusterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Map<String, String> FAST = Map.of("clusterTimeoutMs", "1000");

    private RedisServer redis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    @Test
    void everyBroadcastReachesEverySessionOnThreeNodesOnceAndInOrder() throws Exception {
        List<ClusterNode> nodes = List.of(node(redis.uri(), FAST), node(redis.uri(), FAST), node(redis.uri(), FAST));
        List<Hixie76Client> hixie = new ArrayList<>();
        List<JdkWebSocketClient> rfc = new ArrayList<>();
        for (ClusterNode node : nodes) {
            hixie.add(client(node.uri()));
            rfc.add(rfc6455(node.uri()));
        }
        for (ClusterNode node : nodes) {
            Await.until("two sessions open", DEADLINE, () -> node.metrics().getOpenSessions() == 2);
        }
        // the bus connects in the background: what is broadcast before is for local sessions only
        awaitConnected(nodes.toArray(ClusterNode[]::new));
        int each = 100;
        for (int k = 0; k < each; k++) {
            for (int n = 0; n < nodes.size(); n++) {
                hixie.get(n).send(n + ":" + k);
            }
        }
        for (int n = 0; n < nodes.size(); n++) {
            hixie.get(n).send(n + ":end");
        }
        int expected = nodes.size() * (each + 1);
        for (int n = 0; n < nodes.size(); n++) {
            assertExactlyOnceInOrder("hixie-76 client of node " + n, receive(hixie.get(n)::awaitMessage, expected), nodes.size(), each);
            assertExactlyOnceInOrder("RFC 6455 client of node " + n, receive(rfc.get(n)::awaitMessage, expected), nodes.size(), each);
        }
        for (ClusterNode node : nodes) {
            assertEquals(2 * (each + 1), node.metrics().getBusMessagesReceived(), node.metrics().toJson());
            Await.until("published counted", DEADLINE, () -> node.metrics().getBusMessagesPublished() == each + 1);
            assertEquals(0, node.metrics().getBusMessagesLost() + node.metrics().getBusMessagesDropped());
            assertTrue(node.metrics().isBusConnected());
            assertTrue(node.metrics().toJson().contains("\"bus\":{\"kind\":\"" + redis.uri() + "\",\"connected\":true,"
                    + "\"published\":101,\"received\":202,\"dropped\":0,\"lost\":0,"), node.metrics().toJson());
        }
        ObjectName jmx = ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("io.github.hixie76:type=Endpoint,*"), null).iterator().next();
        assertEquals(Boolean.TRUE, ManagementFactory.getPlatformMBeanServer().getAttribute(jmx, "BusConnected"));
        assertEquals(202L, ManagementFactory.getPlatformMBeanServer().getAttribute(jmx, "BusMessagesReceived"));
    }

    @Test
    void redisKilledAndRestartedLosesTheGapAndResumesByItself() throws Exception {
        ClusterNode a = node(redis.uri(), FAST);
        ClusterNode b = node(redis.uri(), FAST);
        Hixie76Client atA = client(a.uri());
        Hixie76Client atB = client(b.uri());
        awaitConnected(a, b);
        List<LogRecord> warnings = captureWarnings();

        redis.kill();
        Await.until("the bus reports the outage", DEADLINE, () -> !a.metrics().isBusConnected());
        for (int k = 0; k < 20; k++) {
            assertEquals(1, a.broadcaster().broadcast("gap-" + k), "local delivery goes on");
            assertEquals("gap-" + k, atA.awaitMessage(DEADLINE));
        }
        Await.until("the gap counted as lost", DEADLINE, () -> a.metrics().getBusMessagesLost() == 20);
        assertEquals(1, warnings.size(), "one WARNING per outage: " + warnings);

        redis.restart();
        long recovery = recoveryMillis(a, b, atB);
        System.out.printf("Redis killed (-9) and restarted: remote delivery back %d ms after it accepted connections%n",
                recovery);
        assertTrue(recovery < 5000, "recovered within 5 s: " + recovery + " ms");
        b.broadcaster().broadcast("after");
        List<String> atAAfter = receiveUntil(atA, "after");
        assertTrue(atAAfter.stream().noneMatch(m -> m.startsWith("gap-")), "the gap is never delivered: " + atAAfter);
    }

    @Test
    void clientKillIsRecoveredByLettuce() throws Exception {
        ClusterNode a = node(redis.uri(), FAST);
        ClusterNode b = node(redis.uri(), FAST);
        Hixie76Client atB = client(b.uri());
        awaitConnected(a, b);
        assertTrue(Long.parseLong(redis.cli("CLIENT", "KILL", "TYPE", "pubsub")) >= 2, "the nodes' connections killed");
        long recovery = recoveryMillis(a, b, atB);
        System.out.printf("CLIENT KILL TYPE pubsub: remote delivery back within %d ms%n", recovery);
        assertTrue(recovery < 3000, "recovered within 3 s: " + recovery + " ms");
    }

    @Test
    void aFrozenConnectionIsReplacedWithinTheTimeout() throws Exception {
        FreezingProxy proxy = new FreezingProxy(redis.port());
        open.add(proxy);
        URI viaProxy = URI.create("redis://127.0.0.1:" + proxy.port());
        ClusterNode a = node(viaProxy, FAST);
        ClusterNode b = node(viaProxy, FAST);
        Hixie76Client atB = client(b.uri());
        awaitConnected(a, b);
        proxy.freezeOpenConnections();
        long recovery = recoveryMillis(a, b, atB);
        System.out.printf("frozen connection (clusterTimeoutMs=1000): remote delivery back within %d ms%n", recovery);
        assertTrue(recovery < 5000, "a timeout of 1 s: PING every 0.5 s, replaced after 1 s without an answer: "
                + recovery + " ms");
        assertTrue(a.metrics().isBusConnected() && b.metrics().isBusConnected());
    }

    @Test
    void aFrozenRedisNeitherBlocksBroadcastsNorGrowsMemory() throws Exception {
        long maxPending = 64 * 1024;
        Map<String, String> settings = new HashMap<>(FAST);
        settings.put("clusterMaxPendingBytes", Long.toString(maxPending));
        ClusterNode a = node(redis.uri(), settings);
        ClusterNode b = node(redis.uri(), settings);
        JdkWebSocketClient atA = rfc6455(a.uri());
        Hixie76Client sender = client(a.uri());
        awaitConnected(a, b);
        Await.until("two sessions", DEADLINE, () -> a.metrics().getOpenSessions() == 2);

        redis.freeze();
        String payload = "x".repeat(1000);
        long slowest = 0;
        long maxSeen = 0;
        int fromTest = 2000;
        for (int k = 0; k < fromTest; k++) {
            long start = System.nanoTime();
            a.broadcaster().broadcast(k + payload);
            slowest = Math.max(slowest, System.nanoTime() - start);
            maxSeen = Math.max(maxSeen, a.metrics().getBusPendingBytes());
        }
        int fromClients = 200;
        for (int k = 0; k < fromClients; k++) {
            sender.send("c" + k);
        }
        int total = fromTest + fromClients;
        receive(atA::awaitMessage, total); // every broadcast reached the local sessions
        System.out.printf("frozen Redis: slowest of %d broadcasts %.2f ms; at most %d bytes pending (limit %d)%n",
                fromTest, slowest / 1e6, maxSeen, maxPending);
        // A publish that waited for the frozen Redis would take the whole clusterTimeoutMs (1000 ms);
        // the figure itself (~14 ms on a busy machine, scheduling included) is printed above.
        assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(500), "a broadcast never waits for Redis: " + slowest + " ns");
        assertTrue(maxSeen <= maxPending, maxSeen + " bytes pending");
        assertTrue(a.metrics().getBusMessagesDropped() > 0, a.metrics().toJson());

        redis.thaw();
        Await.until(() -> "every broadcast accounted for: " + a.metrics().toJson(), DEADLINE,
                () -> a.metrics().getBusMessagesPublished() + a.metrics().getBusMessagesDropped()
                        + a.metrics().getBusMessagesLost() == total && a.metrics().getBusPendingBytes() == 0);
    }

    @Test
    void twentyStopsWithTheBusConnectedLeaveNoThreadOfTheRedisClient() throws Exception {
        for (int cycle = 0; cycle < 20; cycle++) {
            ClusterNode node = ClusterNode.start(redis.uri(), FAST);
            try {
                Await.until("cycle connected", DEADLINE, () -> node.metrics().isBusConnected());
                Hixie76Client client = Hixie76Client.connect(node.uri());
                client.send("cycle " + cycle);
                assertEquals("cycle " + cycle, client.receive());
                client.close();
            } finally {
                node.close();
            }
        }
        Await.until(() -> "no Lettuce or Netty thread left: " + clientThreads(), DEADLINE, () -> clientThreads().isEmpty());
    }

    private static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("lettuce") || name.contains("EventLoop") || name.contains("eventExecutor"))
                .toList();
    }

    // ---- helpers

    private ClusterNode node(URI uri, Map<String, String> settings) throws Exception {
        ClusterNode node = ClusterNode.start(uri, settings);
        open.add(node);
        return node;
    }

    private JdkWebSocketClient rfc6455(URI uri) throws IOException {
        JdkWebSocketClient client = JdkWebSocketClient.connect(uri, null, DEADLINE);
        open.add(client);
        return client;
    }

    private Hixie76Client client(URI uri) throws IOException {
        Hixie76Client client = Hixie76Client.connect(uri);
        open.add(client);
        return client;
    }

    private static void awaitConnected(ClusterNode... nodes) {
        for (ClusterNode node : nodes) {
            Await.until("bus connected", DEADLINE, () -> node.metrics().isBusConnected());
        }
    }

    /** Broadcasts probes from {@code from} until one reaches {@code at} on {@code to}; the time that took. */
    private static long recoveryMillis(ClusterNode from, ClusterNode to, Hixie76Client at) throws IOException {
        long start = System.nanoTime();
        long end = start + DEADLINE.toNanos();
        for (int k = 0; System.nanoTime() < end; k++) {
            from.broadcaster().broadcast("probe-" + k);
            String got = poll(at::awaitMessage, Duration.ofMillis(50));
            while (got != null && !got.startsWith("probe-")) {
                got = poll(at::awaitMessage, Duration.ofMillis(50));
            }
            if (got != null) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        throw new AssertionError("remote delivery did not resume within " + DEADLINE + ": " + to.metrics().toJson());
    }

    private static String poll(Messages client, Duration wait) throws IOException {
        try {
            return client.await(wait);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** A client's next message within a wait: null once closed, SocketTimeoutException when none came. */
    @FunctionalInterface
    private interface Messages {
        String await(Duration wait) throws IOException;
    }

    /** {@code count} messages, and then none more for a moment. */
    private static List<String> receive(Messages client, int count) throws IOException {
        List<String> got = new ArrayList<>();
        while (got.size() < count) {
            String message = client.await(DEADLINE);
            assertTrue(message != null, "closed after " + got.size());
            got.add(message);
        }
        assertEquals(null, poll(client, Duration.ofMillis(300)), "no more than " + count);
        return got;
    }

    private static List<String> receiveUntil(Hixie76Client client, String last) throws IOException {
        List<String> got = new ArrayList<>();
        while (got.isEmpty() || !got.get(got.size() - 1).equals(last)) {
            got.add(client.awaitMessage(DEADLINE));
        }
        return got;
    }

    /** {@code senders} × {@code each} messages "n:k", then "n:end" per sender: each once, each sender's in order. */
    private static void assertExactlyOnceInOrder(String who, List<String> got, int senders, int each) {
        assertEquals(senders * (each + 1), got.size(), who);
        assertEquals(got.size(), got.stream().distinct().count(), who + ": a duplicate");
        for (int n = 0; n < senders; n++) {
            String prefix = n + ":";
            List<String> fromSender = got.stream().filter(m -> m.startsWith(prefix)).toList();
            List<String> inOrder = new ArrayList<>();
            for (int k = 0; k < each; k++) {
                inOrder.add(prefix + k);
            }
            inOrder.add(prefix + "end");
            assertEquals(inOrder, fromSender, who + ": sender " + n + "'s messages in the order sent");
        }
    }

    private List<LogRecord> captureWarnings() {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.github.hixie76.cluster");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue() && record.getMessage().contains("lost")) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        open.add(() -> logger.removeHandler(handler));
        return records;
    }
}
