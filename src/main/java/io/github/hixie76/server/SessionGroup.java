package io.github.hixie76.server;

import io.github.hixie76.protocol.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open sessions of one endpoint, for broadcast. Thread-safe. */
final class SessionGroup {

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    void add(Connection connection) {
        open.add(connection);
    }

    void remove(Connection connection) {
        open.remove(connection);
    }

    int size() {
        return open.size();
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
