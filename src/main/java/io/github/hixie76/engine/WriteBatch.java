package io.github.hixie76.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * The connections whose queued frames wait until the read being handled on this thread is
 * done, so that what one read produces (the echoes of several pipelined messages, a
 * broadcast's frame to every member) leaves in one write per connection instead of one per
 * frame: on a busy connection most of a frame's cost is its system call. {@link Connection#onData}
 * opens a batch; a frame queued by the callbacks that read runs joins it, and frames queued on
 * any other thread are written at once. The engine's own frames (the digest, {@code FF 00}) are
 * written at once too.
 *
 * <p>Thread-confined: one batch per thread at a time; a read handled inside another (none is,
 * today) joins the outer batch.
 */
final class WriteBatch {

    private static final ThreadLocal<WriteBatch> CURRENT = new ThreadLocal<>();

    private final Set<Connection> pending = new HashSet<>();

    private WriteBatch() {
    }

    /** Opens a batch on this thread; null when one is open already, which then writes for both. */
    static WriteBatch open() {
        if (CURRENT.get() != null) {
            return null;
        }
        WriteBatch batch = new WriteBatch();
        CURRENT.set(batch);
        return batch;
    }

    /** True when this thread has a batch open, which will then write {@code connection}'s queue. */
    static boolean defer(Connection connection) {
        WriteBatch batch = CURRENT.get();
        if (batch == null) {
            return false;
        }
        batch.pending.add(connection);
        return true;
    }

    /** Closes the batch and writes what each deferred connection has queued. */
    void close() {
        CURRENT.remove();
        for (Connection connection : pending) {
            connection.onWritable();
        }
    }
}
