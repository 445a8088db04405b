package io.github.hixie76.engine;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The application's {@link Endpoint} as one session calls it, whatever the protocol: one
 * callback at a time and in order (a {@link SerialExecutor}); a callback that throws is logged
 * and reported to {@code onError}; {@code onError} and {@code onClose} themselves are never
 * reported again, so each runs at most once and {@code onClose} stays last.
 *
 * <p>Thread-safe. The {@code enqueue} methods may be called under the session's lock, so that
 * the order of callbacks follows its state changes; {@link #runQueued} must not be.
 */
public final class EndpointCalls {

    private static final System.Logger LOG = System.getLogger(EndpointCalls.class.getName());

    private final Endpoint endpoint;
    private final Session session;
    private final SerialExecutor executor = new SerialExecutor(this::onFailure);

    public EndpointCalls(Endpoint endpoint, Session session) {
        this.endpoint = endpoint;
        this.session = session;
    }

    /** Queues {@code onOpen}; true when the caller must then call {@link #runQueued}. */
    public boolean enqueueOpen() {
        return executor.enqueue(() -> endpoint.onOpen(session));
    }

    /** Queues {@code onMessage}; true when the caller must then call {@link #runQueued}. */
    public boolean enqueueMessage(String text) {
        return executor.enqueue(() -> endpoint.onMessage(session, text));
    }

    public void runQueued() {
        executor.runQueued();
    }

    /** Calls {@code onError} (once the callbacks before it have run). */
    public void error(Throwable error) {
        executor.execute(() -> unreported("onError", () -> endpoint.onError(session, error)));
    }

    /** The session has ended: {@code onError} when {@code cause} is not null, then {@code onClose}. */
    public void ended(Throwable cause) {
        if (cause != null) {
            error(cause);
        }
        executor.execute(() -> unreported("onClose", () -> endpoint.onClose(session)));
    }

    /** A stage for {@link Session#send}: {@code done}, failed at once when the message was not queued. */
    public static CompletionStage<Void> sent(boolean queued, CompletableFuture<Void> done, Session session) {
        if (!queued) {
            done.completeExceptionally(new IOException("session " + session.id() + " is closed"));
        }
        return done;
    }

    private void unreported(String name, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, session + ": " + name + " threw", e);
        }
    }

    private void onFailure(RuntimeException e) {
        LOG.log(Level.WARNING, session + ": endpoint callback threw", e);
        unreported("onError", () -> endpoint.onError(session, e));
    }
}
