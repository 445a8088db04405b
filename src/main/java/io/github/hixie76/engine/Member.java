package io.github.hixie76.engine;

import java.nio.ByteBuffer;

/**
 * A session of either protocol as its endpoint's {@link SessionGroup} sees it: a hixie-76
 * {@link Connection}, or an RFC 6455 session the container runs. Implementations are
 * thread-safe.
 */
public interface Member {

    /**
     * Queues a broadcast message. {@code hixie76Frame} is {@code text} as a hixie-76 text frame,
     * encoded once per broadcast; a member that sends hixie-76 frames writes a duplicate of it.
     * Returns false when the member is no longer open.
     */
    boolean deliver(String text, ByteBuffer hixie76Frame);

    /** The application is stopping: end the session at once, telling the peer where the protocol can. */
    void shutdown();

    /** The protocol it speaks, as {@code Handshake.protocol()} names it. */
    String protocol();
}
