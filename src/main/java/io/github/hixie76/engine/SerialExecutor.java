package io.github.hixie76.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time and in order, on whichever calling thread finds none running; a
 * thread that finds one running leaves its task to that thread and returns at once, so no
 * caller ever waits here. This is how one session's callbacks never overlap while running on
 * container threads. A task that throws is handed to the failure handler and the queue goes on.
 *
 * <p>Thread-safe. {@link #enqueue} may be called under a caller's lock (so that the order of
 * tasks follows the caller's state changes); {@link #runQueued} must not be.
 */
public final class SerialExecutor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Consumer<RuntimeException> onFailure;

    public SerialExecutor(Consumer<RuntimeException> onFailure) {
        this.onFailure = onFailure;
    }

    /** Queues a task; true when the caller must then call {@link #runQueued}. */
    public boolean enqueue(Runnable task) {
        tasks.add(task);
        return pending.getAndIncrement() == 0;
    }

    /** Runs queued tasks until none is left, including those other threads add meanwhile. */
    public void runQueued() {
        do {
            Runnable next = tasks.poll();
            try {
                next.run();
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        } while (pending.decrementAndGet() != 0);
    }

    /** Queues {@code task} and runs the queue when no other thread is running it. */
    public void execute(Runnable task) {
        if (enqueue(task)) {
            runQueued();
        }
    }
}
