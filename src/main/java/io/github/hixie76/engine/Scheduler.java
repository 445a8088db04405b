package io.github.hixie76.engine;

/**
 * The clock and the timers of an endpoint's connections: one thread in production
 * ({@link ThreadScheduler}), a hand-turned clock in tests. Implementations are thread-safe.
 */
public interface Scheduler {

    /** A scheduled task; cancelling is idempotent and never throws. */
    interface Task {
        void cancel();
    }

    /** Runs {@code task} once, about {@code delayNanos} from now, on the scheduler's thread. */
    Task schedule(Runnable task, long delayNanos);

    /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();
}
