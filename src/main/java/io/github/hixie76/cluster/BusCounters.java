package io.github.hixie76.cluster;

/**
 * Where a bus counts what happened to broadcasts between nodes; the endpoint's metrics
 * implement it. Implementations are thread-safe: the bus calls them from its I/O threads and
 * from the threads that broadcast.
 */
public interface BusCounters {

    /** Counts nothing. */
    BusCounters NONE = new BusCounters() {
    };

    /** Redis took a broadcast of this node. */
    default void published() {
    }

    /** A broadcast of another node reached this node's sessions. */
    default void received() {
    }

    /**
     * A broadcast was not published because too many bytes already waited for Redis, or a
     * message on the channel was no envelope.
     */
    default void dropped() {
    }

    /** A publish failed: Redis disconnected, refused it or did not answer in time. */
    default void lost() {
    }
}
