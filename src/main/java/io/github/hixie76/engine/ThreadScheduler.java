package io.github.hixie76.engine;

import java.lang.System.Logger.Level;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Scheduler} on one daemon thread, named after the endpoint it serves, which runs the
 * tasks that are due every {@link #TICK_NANOS} (a task runs up to one tick late; the engine's
 * timeouts are seconds). Scheduling and cancelling only add to and remove from a sorted set,
 * and never wake the thread: most of the engine's timers are armed and cancelled within
 * milliseconds (key3 comes, the closing handshake completes), and a timer thread woken for each
 * new earliest deadline, as {@code ScheduledThreadPoolExecutor} alone is, woke about once per
 * handshake (measured: 6-8 % of the server's CPU in the handshake benchmark). Its thread is gone
 * once {@link #shutdown} returns, before a container looks for threads an application left
 * running. Thread-safe.
 */
public final class ThreadScheduler implements Scheduler {

    /** How often the thread looks for due tasks. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final System.Logger LOG = System.getLogger(ThreadScheduler.class.getName());
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A task and when it is due; the sequence orders tasks due at the same nanosecond and tells them apart. */
    private record Timed(long deadline, long sequence, Runnable task) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed other) {
            long difference = deadline - other.deadline; // nanoTime values compare by difference only
            return difference != 0 ? Long.signum(difference) : Long.compare(sequence, other.sequence);
        }
    }

    private final ConcurrentSkipListSet<Timed> tasks = new ConcurrentSkipListSet<>();
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    public ThreadScheduler(String name) {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "hixie76-timer-" + name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.scheduleWithFixedDelay(this::runDue, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public Task schedule(Runnable task, long delayNanos) {
        Timed timed = new Timed(nanoTime() + delayNanos, SEQUENCE.incrementAndGet(), task);
        tasks.add(timed);
        return () -> tasks.remove(timed);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Runs, in deadline order, each task that is due and was not cancelled meanwhile. */
    private void runDue() {
        long now = nanoTime();
        for (Timed first = first(); first != null && first.deadline - now <= 0; first = first()) {
            if (tasks.remove(first)) {
                try {
                    first.task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a timer task threw", e);
                }
            }
        }
    }

    private Timed first() {
        try {
            return tasks.first();
        } catch (NoSuchElementException e) {
            return null;
        }
    }

    /** Drops every pending task and waits up to five seconds for the thread to end. */
    public void shutdown() {
        executor.shutdownNow();
        tasks.clear();
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
