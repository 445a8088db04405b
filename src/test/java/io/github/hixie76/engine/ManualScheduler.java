package io.github.hixie76.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Scheduler} whose clock moves only when a test calls {@link #advance}: a timeout is
 * reached exactly, without waiting for it, and a task runs on the thread that advances the
 * clock. Thread-safe; tasks run outside its lock, since they call back into connections that
 * schedule while holding their own.
 */
final class ManualScheduler implements Scheduler {

    private final class Timed implements Task {
        final Runnable task;
        final long due;
        final long order;

        Timed(Runnable task, long due, long order) {
            this.task = task;
            this.due = due;
            this.order = order;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                waiting.remove(this);
            }
        }
    }

    // guarded by this
    private final List<Timed> waiting = new ArrayList<>();
    private long now = 1_000_000_000L; // not zero, so that code subtracting from it is seen to work
    private long scheduled;

    @Override
    public synchronized Task schedule(Runnable task, long delayNanos) {
        Timed timed = new Timed(task, now + Math.max(0, delayNanos), scheduled++);
        waiting.add(timed);
        return timed;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /**
     * Moves the clock by {@code by} and runs, in time order (ties in the order they were
     * scheduled), every task due by then, those that running tasks schedule included. The
     * clock reads each task's due time while it runs.
     */
    void advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        for (Timed next = takeDue(target); next != null; next = takeDue(target)) {
            next.task.run();
        }
    }

    /** Tasks scheduled and neither cancelled nor run yet. */
    synchronized int pending() {
        return waiting.size();
    }

    /** The earliest task due by {@code target}, taken out, the clock at its due time; or null, the clock at target. */
    private synchronized Timed takeDue(long target) {
        Timed first = null;
        for (Timed t : waiting) {
            if (t.due <= target && (first == null || t.due < first.due || t.due == first.due && t.order < first.order)) {
                first = t;
            }
        }
        if (first == null) {
            now = target;
            return null;
        }
        waiting.remove(first);
        now = first.due;
        return first;
    }
}
