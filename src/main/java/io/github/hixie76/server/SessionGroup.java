package io.github.hixie76.server;

import io.github.hixie76.protocol.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared state of one endpoint's connections: all of them (for the connection limit and
 * for shutdown), the open sessions among them (for broadcast), and the metrics. Thread-safe.
 */
final class SessionGroup {

    private final Set<Connection> all = ConcurrentHashMap.newKeySet();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final EndpointMetrics metrics;

    SessionGroup() {
        this("endpoint");
    }

    SessionGroup(String name) {
        this.metrics = new EndpointMetrics(name, open::size, all::size);
    }

    EndpointMetrics metrics() {
        return metrics;
    }

    /** A connection has started (it waits for key3). */
    void started(Connection connection) {
        all.add(connection);
    }

    void add(Connection connection) {
        open.add(connection);
    }

    /** A connection has ended; idempotent. */
    void remove(Connection connection) {
        open.remove(connection);
        all.remove(connection);
    }

    int size() {
        return open.size();
    }

    int connections() {
        return all.size();
    }

    /** Every connection, for shutdown. */
    List<Connection> snapshot() {
        return List.copyOf(all);
    }

    /** Encodes once and queues the same bytes for every open session. */
    int broadcast(String text) {
        ByteBuffer frame = FrameEncoder.text(text);
        int queued = 0;
        for (Connection connection : open) {
            if (connection.offer(frame.duplicate(), null)) {
                queued++;
            }
        }
        return queued;
    }
}
