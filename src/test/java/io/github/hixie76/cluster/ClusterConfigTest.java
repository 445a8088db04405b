package io.github.hixie76.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The cluster settings, their precedence, the channel names, the envelope and the missing-jar error. */
class ClusterConfigTest {

    private static final Function<String, String> NONE = name -> null;

    @Test
    void unsetOrNoneIsTheInMemoryBus() {
        assertNull(ClusterConfig.fromOrdered(NONE));
        assertNull(ClusterConfig.fromOrdered(Map.of("cluster", " none ")::get));
        assertEquals(LocalBus.INSTANCE, Buses.open(null, "c", text -> { }, BusCounters.NONE));
    }

    @Test
    void readsEverySettingAndKeepsThePasswordOutOfLogs() {
        ClusterConfig config = ClusterConfig.fromOrdered(Map.of("cluster", "rediss://:s3cret@redis.example:6380",
                "clusterPrefix", "shop", "clusterTimeoutMs", "500", "clusterMaxPendingBytes", "1024")::get);
        assertEquals(URI.create("rediss://:s3cret@redis.example:6380"), config.redis());
        assertEquals(new ClusterConfig(config.redis(), "shop", Duration.ofMillis(500), 1024), config);
        assertEquals("rediss://***@redis.example:6380", config.redisForLogs());
        assertFalse(config.redisForLogs().contains("s3cret"));
        assertEquals("shop:/app:/chat", config.channel("/app", "/chat"));
        assertEquals("shop:/:/chat", config.channel("", "/chat"));
    }

    @Test
    void operatorSettingsComeBeforeTheApplications() {
        Function<String, String> app = Map.of("cluster", "redis://app:1", "clusterPrefix", "app")::get;
        Function<String, String> env = Map.of("HIXIE76_CLUSTER", "redis://env:2", "HIXIE76_CLUSTER_PREFIX", "env")::get;
        Function<String, String> props = Map.of("hixie76.cluster", "redis://prop:3")::get;
        assertEquals("redis://prop:3", ClusterConfig.operatorFirst(app, props, env).apply("cluster"));
        assertEquals("env", ClusterConfig.operatorFirst(app, props, env).apply("clusterPrefix"));
        assertEquals("redis://app:1", ClusterConfig.operatorFirst(app, NONE, NONE).apply("cluster"));
        assertEquals("HIXIE76_CLUSTER_MAX_PENDING_BYTES", ClusterConfig.environmentName("clusterMaxPendingBytes"));
    }

    @Test
    void badValuesNameTheParameter() {
        assertEquals("parameter cluster: expected redis://host:port or rediss://host:port, got http://x:1",
                assertThrows(IllegalArgumentException.class,
                        () -> ClusterConfig.fromOrdered(Map.of("cluster", "http://x:1")::get)).getMessage());
        assertEquals("parameter clusterTimeoutMs: expected a number, got 'soon'",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.fromOrdered(
                        Map.of("cluster", "redis://x:1", "clusterTimeoutMs", "soon")::get)).getMessage());
    }

    @Test
    void envelopesRoundTripAndForeignMessagesAreNone() {
        Envelope envelope = new Envelope("node-1", 42, "hello world  with spaces");
        assertEquals("h1 node-1 42 hello world  with spaces", envelope.encode());
        assertEquals(envelope, Envelope.decode(envelope.encode()));
        assertEquals(new Envelope("n", 1, ""), Envelope.decode("h1 n 1 "));
        assertNull(Envelope.decode("hello"));
        assertNull(Envelope.decode("h2 n 1 x"));
        assertNull(Envelope.decode("h1 n x y"));
        assertNull(Envelope.decode("h1  1 y"));
    }

    @Test
    void aClusterWithoutLettuceFailsNamingTheJar() throws Exception {
        try (URLClassLoader withoutLettuce = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> Buses.open(
                    ClusterConfig.of(URI.create("redis://127.0.0.1:1")), "c", text -> { }, BusCounters.NONE,
                    withoutLettuce));
            assertTrue(error.getMessage().contains("io.lettuce:lettuce-core"), error.getMessage());
            assertTrue(error.getMessage().startsWith("hixie76.cluster is set"), error.getMessage());
        }
    }
}
