package io.github.hixie76.api;

/**
 * Application code for one connection: a new instance serves each session.
 *
 * <p>The callbacks of one session never run concurrently and run in order: {@code onOpen}
 * first, {@code onClose} last and exactly once. They run on container threads, so they must
 * not block for long; {@link Session#send} never blocks.
 */
public interface Endpoint {

    default void onOpen(Session session) {
    }

    default void onMessage(Session session, String text) {
    }

    /** The connection is gone; the session accepts nothing more. Called exactly once. */
    default void onClose(Session session) {
    }

    /**
     * The connection failed (a protocol violation, a limit, an I/O error) or a callback threw.
     * A failed connection is closed and {@link #onClose} follows.
     */
    default void onError(Session session, Throwable error) {
    }
}
