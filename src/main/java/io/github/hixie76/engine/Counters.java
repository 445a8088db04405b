package io.github.hixie76.engine;

/**
 * Where a connection counts its traffic and why it was dropped; the endpoint's metrics
 * implement it. Implementations are thread-safe: every connection of an endpoint calls them,
 * from any thread.
 */
public interface Counters {

    /** Counts nothing: for connections nobody observes. */
    Counters NONE = new Counters() {
    };

    default void received(long bytes) {
    }

    default void messageIn() {
    }

    /** {@code message}: an application message, not the digest or {@code FF 00}. */
    default void sent(long bytes, boolean message) {
    }

    /** The connection ended because of {@code reason} (a limit or a timeout, e.g. "idle-timeout"). */
    default void dropped(String reason) {
    }
}
