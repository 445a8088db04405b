package io.github.hixie76.engine;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time and in order, on whichever calling thread finds none running; a
 * thread that finds one running leaves its task to that thread and returns at once, so no
 * caller ever waits here for a task to run. This is how one session's callbacks never overlap
 * while running on container threads. A task that throws is handed to the failure handler and
 * the queue goes on.
 *
 * <p>Every session has one, so an idle one holds no queue: the next task has a field of its
 * own, and a queue is made only while more than one waits.
 *
 * <p>Thread-safe: its state is guarded by {@code this}, held only to add or take a task, never
 * while one runs. {@link #enqueue} may be called under a caller's lock (so that the order of
 * tasks follows the caller's state changes); {@link #runQueued} must not be.
 */
public final class SerialExecutor {

    private final Consumer<RuntimeException> onFailure;
    // guarded by this
    private Runnable next;
    private ArrayDeque<Runnable> later;
    private boolean running;

    public SerialExecutor(Consumer<RuntimeException> onFailure) {
        this.onFailure = onFailure;
    }

    /** Queues a task; true when the caller must then call {@link #runQueued}. */
    public synchronized boolean enqueue(Runnable task) {
        if (next == null) {
            next = task;
        } else {
            if (later == null) {
                later = new ArrayDeque<>(4);
            }
            later.add(task);
        }
        if (running) {
            return false;
        }
        running = true;
        return true;
    }

    /** Runs queued tasks until none is left, including those other threads add meanwhile. */
    public void runQueued() {
        for (Runnable task = take(); task != null; task = take()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        }
    }

    /** The next task, or null (and no longer running) when none is left. */
    private synchronized Runnable take() {
        Runnable task = next;
        if (task == null) {
            running = false;
            return null;
        }
        next = later == null ? null : later.poll();
        if (later != null && later.isEmpty()) {
            later = null;
        }
        return task;
    }

    /** Queues {@code task} and runs the queue when no other thread is running it. */
    public void execute(Runnable task) {
        if (enqueue(task)) {
            runQueued();
        }
    }
}
