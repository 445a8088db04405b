package io.github.hixie76.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections whose queued frames wait until the read being handled on this thread is
 * done, so that what one read produces (the echoes of several pipelined messages, a
 * broadcast's frame to every member) leaves in one write per connection instead of one per
 * frame: on a busy connection most of a frame's cost is its system call. {@link Connection#onData}
 * opens a batch; a frame queued by the callbacks that read runs joins it, and frames queued on
 * any other thread are written at once. The engine's own frames (the digest, {@code FF 00}) are
 * written at once too.
 *
 * <p>A batch lives as long as its read: the thread-local is removed when it closes, so that a
 * container's pool thread keeps nothing of a stopped application (a batch kept per thread held
 * the class loader of every undeployed application: UndeployIT). A connection is listed once
 * per batch through {@link Connection#pendingIn}, not through a hash set: hashing a connection
 * (identity hash of an object used as a lock) cost about a tenth of the echo benchmark's samples.
 * A connection that two threads' batches both list is drained by each, which is harmless.
 *
 * <p>Thread-confined: only its own thread opens, adds to and closes a batch; a read handled
 * while the batch is open or being written (none is, today) writes at once.
 */
final class WriteBatch {

    private static final ThreadLocal<WriteBatch> CURRENT = new ThreadLocal<>();

    private final List<Connection> pending = new ArrayList<>();
    private boolean open;

    private WriteBatch() {
    }

    /** Opens this thread's batch; null when it is open or being written already (its sends are then written at once). */
    static WriteBatch open() {
        if (CURRENT.get() != null) {
            return null;
        }
        WriteBatch batch = new WriteBatch();
        batch.open = true;
        CURRENT.set(batch);
        return batch;
    }

    /** True when this thread has a batch open, which will then write {@code connection}'s queue. */
    static boolean defer(Connection connection) {
        WriteBatch batch = CURRENT.get();
        if (batch == null || !batch.open) {
            return false;
        }
        if (connection.pendingIn != batch) {
            connection.pendingIn = batch;
            batch.pending.add(connection);
        }
        return true;
    }

    /** Closes the batch and writes what each deferred connection has queued. */
    void close() {
        open = false;
        try {
            for (Connection connection : pending) {
                if (connection.pendingIn == this) {
                    connection.pendingIn = null;
                }
                connection.onWritable();
            }
        } finally {
            pending.clear();
            CURRENT.remove();
        }
    }
}
