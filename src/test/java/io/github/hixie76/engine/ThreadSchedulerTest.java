package io.github.hixie76.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ThreadScheduler} on its real thread: order, cancelling, lateness of at most about a tick, shutdown. */
class ThreadSchedulerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void runsDueTasksInDeadlineOrderAndNotCancelledOnes() throws InterruptedException {
        ThreadScheduler scheduler = new ThreadScheduler("test");
        try {
            List<String> ran = new CopyOnWriteArrayList<>();
            CountDownLatch last = new CountDownLatch(1);
            long start = System.nanoTime();
            scheduler.schedule(() -> ran.add("b"), 120 * MS);
            scheduler.schedule(() -> ran.add("a"), 10 * MS);
            Scheduler.Task cancelled = scheduler.schedule(() -> ran.add("cancelled"), 60 * MS);
            scheduler.schedule(() -> {
                ran.add("c");
                last.countDown();
            }, 150 * MS);
            cancelled.cancel();
            cancelled.cancel();

            assertTrue(last.await(5, TimeUnit.SECONDS));
            long elapsed = System.nanoTime() - start;
            assertEquals(List.of("a", "b", "c"), ran);
            assertTrue(elapsed >= 150 * MS, "not before its deadline: " + elapsed);
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOthers() throws InterruptedException {
        ThreadScheduler scheduler = new ThreadScheduler("test");
        try {
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.schedule(() -> {
                throw new IllegalStateException("thrown on purpose by the test");
            }, MS);
            scheduler.schedule(ran::countDown, 2 * ThreadScheduler.TICK_NANOS);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void shutdownEndsTheThreadAndDropsPendingTasks() {
        ThreadScheduler scheduler = new ThreadScheduler("shutdown-test");
        scheduler.schedule(() -> { }, TimeUnit.SECONDS.toNanos(60));
        scheduler.shutdown();
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("hixie76-timer-shutdown-test")));
    }
}
