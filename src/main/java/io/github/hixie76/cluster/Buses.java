package io.github.hixie76.cluster;

import java.util.function.Consumer;

/**
 * Makes an endpoint's bus: the in-memory one when no cluster is configured, the Redis one
 * otherwise. {@link RedisBus} (and through it Lettuce) is loaded only here and only then, so
 * the library runs without Lettuce's jars when nobody asks for a cluster. Stateless.
 */
public final class Buses {

    /** What an operator adds for a cluster, named in the startup error. */
    static final String LETTUCE_MISSING = "hixie76.cluster is set but the Redis client is not on the class path: add"
            + " io.lettuce:lettuce-core (7.7.0.RELEASE) and its dependencies (netty-*, reactor-core, reactive-streams,"
            + " redis-authx-core) to WEB-INF/lib, as the demo WAR carries them";

    private static final String LETTUCE_CLASS = "io.lettuce.core.RedisClient";

    private Buses() {
    }

    /**
     * The bus for one endpoint. {@code config} null: the in-memory bus. Otherwise a Redis bus on
     * {@code channel}, handing what other nodes publish to {@code remote}; it connects in the
     * background. Throws IllegalStateException naming the missing jar when Lettuce is absent.
     */
    public static Bus open(ClusterConfig config, String channel, Consumer<String> remote, BusCounters counters) {
        return open(config, channel, remote, counters, Buses.class.getClassLoader());
    }

    /** As {@link #open(ClusterConfig, String, Consumer, BusCounters)}, looking for Lettuce in {@code loader}. */
    static Bus open(ClusterConfig config, String channel, Consumer<String> remote, BusCounters counters,
            ClassLoader loader) {
        if (config == null) {
            return LocalBus.INSTANCE;
        }
        try {
            Class.forName(LETTUCE_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(LETTUCE_MISSING);
        }
        return RedisBus.start(config, channel, remote, counters);
    }
}
