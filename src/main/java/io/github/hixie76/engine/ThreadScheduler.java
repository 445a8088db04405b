package io.github.hixie76.engine;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on one daemon thread, named after the endpoint it serves. Its thread is
 * gone once {@link #shutdown} returns, before a container looks for threads an application
 * left running. Thread-safe.
 */
public final class ThreadScheduler implements Scheduler {

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    public ThreadScheduler(String name) {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "hixie76-timer-" + name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        // most timeouts are cancelled (key3 came, FF 00 was answered): out of the queue at once
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Task schedule(Runnable task, long delayNanos) {
        var future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Drops every pending task and waits up to five seconds for the thread to end. */
    public void shutdown() {
        executor.shutdownNow();
        Thread t = thread;
        try {
            if (t != null) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
