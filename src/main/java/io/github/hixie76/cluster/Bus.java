package io.github.hixie76.cluster;

import io.github.hixie76.engine.Publisher;

/**
 * Carries one endpoint's broadcasts between the nodes of a cluster: {@link #publish} hands a
 * broadcast of this node to the others, and what the others publish is delivered to this
 * node's sessions only (a bus never republishes what it received). Made by {@link Buses}.
 * Implementations are thread-safe, and {@link #publish} never blocks.
 */
public interface Bus extends Publisher, AutoCloseable {

    /** Whether broadcasts reach the other nodes now (the in-memory bus: always). */
    boolean connected();

    /** What it is, for the metrics: {@code in-memory}, or the Redis URI without its password. */
    String describe();

    /** Bytes of broadcasts handed to Redis and not yet answered. */
    default long pendingBytes() {
        return 0;
    }

    /** Stops it; its threads are gone when this returns. Idempotent. */
    @Override
    void close();
}
