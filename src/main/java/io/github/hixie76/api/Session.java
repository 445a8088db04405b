package io.github.hixie76.api;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** One open connection, as the application sees it. Every method is thread-safe. */
public interface Session extends Broadcaster {

    /** Unique among the sessions of this server. */
    String id();

    /** The request that opened the session. */
    Handshake handshake();

    /**
     * Queues a text message and returns at once. The stage completes when the message has
     * been handed to the container, and fails when the session closes first or its outbound
     * queue is full (the peer has stopped reading: the connection is then closed). On a
     * hixie-76 session, what a callback sends while it handles received messages is written
     * once the bytes read with them are handled, in one write per connection: a callback that
     * waited for such a stage would wait for itself.
     */
    CompletionStage<Void> send(String text);

    /**
     * Sends {@code text} to every open session of this endpoint, this one included, encoding it
     * once, and to those of the other nodes when a cluster is configured. Returns how many
     * sessions of this node it was queued for.
     */
    @Override
    int broadcast(String text);

    /** Starts the closing handshake; the connection ends when the peer answers or after a timeout. */
    void close();

    /** True until the closing handshake starts or the connection fails. */
    boolean isOpen();

    /** Application state for this session; a concurrent map. */
    Map<String, Object> attributes();
}
