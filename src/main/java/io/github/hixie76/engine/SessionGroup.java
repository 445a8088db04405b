package io.github.hixie76.engine;

import io.github.hixie76.protocol.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of one endpoint: all of them from the upgrade to the end (for the
 * connection limit and for shutdown), and the open sessions among them (for broadcast).
 * Thread-safe.
 */
public final class SessionGroup {

    private final Set<Connection> all = ConcurrentHashMap.newKeySet();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    /** A connection has started (it waits for key3). */
    void started(Connection connection) {
        all.add(connection);
    }

    /** A connection has opened: broadcasts reach it. */
    void opened(Connection connection) {
        open.add(connection);
    }

    /** A connection has ended; idempotent. */
    void ended(Connection connection) {
        open.remove(connection);
        all.remove(connection);
    }

    /** Open sessions. */
    public int openCount() {
        return open.size();
    }

    /** Connections from the upgrade to the end, those still waiting for key3 included. */
    public int connectionCount() {
        return all.size();
    }

    /** Every connection, for shutdown. */
    public List<Connection> snapshot() {
        return List.copyOf(all);
    }

    /** Encodes once and queues the same bytes for every open session; returns how many took it. */
    public int broadcast(String text) {
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
