package io.github.hixie76.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Await;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One connection's callbacks: in order, one at a time, never waiting. */
class SerialExecutorTest {

    private static final long WAIT_MILLIS = Await.DEFAULT.toMillis();

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    private final SerialExecutor executor = new SerialExecutor(failures::add);

    @Test
    void tasksRunInTheOrderTheyWereEnqueued() {
        assertTrue(executor.enqueue(() -> ran.add("a")), "the first caller runs the queue");
        assertFalse(executor.enqueue(() -> ran.add("b")));
        assertFalse(executor.enqueue(() -> ran.add("c")));
        assertEquals(List.of(), ran, "enqueue runs nothing");

        executor.runQueued();

        assertEquals(List.of("a", "b", "c"), ran);
        assertTrue(executor.enqueue(() -> ran.add("d")), "once the queue is empty the next caller runs it");
        executor.runQueued();
        executor.execute(() -> ran.add("e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), ran);
    }

    @Test
    void taskEnqueuedByARunningTaskRunsAfterIt() {
        executor.execute(() -> {
            executor.execute(() -> ran.add("inner"));
            ran.add("outer");
        });
        assertEquals(List.of("outer", "inner"), ran);
    }

    @Test
    void taskFromAnotherThreadWhileOneRunsIsRunByTheRunningThreadAndTheCallerReturnsAtOnce() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch callerReturned = new CountDownLatch(1);
        AtomicReference<Thread> secondRanOn = new AtomicReference<>();
        AtomicReference<Throwable> crashed = new AtomicReference<>();

        Thread runner = new Thread(() -> executor.execute(() -> {
            ran.add("first");
            firstRunning.countDown();
            await(releaseFirst);
        }), "runner");
        Thread caller = new Thread(() -> {
            executor.execute(() -> {
                ran.add("second");
                secondRanOn.set(Thread.currentThread());
            });
            callerReturned.countDown();
        }, "caller");
        runner.setUncaughtExceptionHandler((t, e) -> crashed.set(e));
        caller.setUncaughtExceptionHandler((t, e) -> crashed.set(e));

        runner.start();
        assertTrue(firstRunning.await(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        caller.start();
        assertTrue(callerReturned.await(WAIT_MILLIS, TimeUnit.MILLISECONDS),
                "the caller returned while the first task still runs");
        assertEquals(List.of("first"), ran, "the second task waits for the first");

        releaseFirst.countDown();
        runner.join(WAIT_MILLIS);
        caller.join(WAIT_MILLIS);
        assertFalse(runner.isAlive() || caller.isAlive());
        assertNull(crashed.get());
        assertEquals(List.of("first", "second"), ran);
        assertSame(runner, secondRanOn.get(), "the running thread ran the second task");
    }

    @Test
    void throwingTaskGoesToTheFailureHandlerAndLaterTasksStillRun() {
        IllegalStateException bug = new IllegalStateException("bug");
        executor.enqueue(() -> ran.add("before"));
        executor.enqueue(() -> {
            throw bug;
        });
        executor.enqueue(() -> ran.add("after"));

        executor.runQueued();

        assertEquals(List.of("before", "after"), ran);
        assertEquals(List.of(bug), failures);
        executor.execute(() -> ran.add("later"));
        assertEquals(List.of("before", "after", "later"), ran, "the executor still runs");
        assertEquals(1, failures.size());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("timed out waiting");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tasksFromManyThreadsEachRunOnceNeverTwoAtATimeAndInEachThreadsOrder() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        int[] lastSeen = new int[threads]; // written by tasks only, which never overlap
        java.util.Arrays.fill(lastSeen, -1);
        java.util.concurrent.atomic.AtomicInteger outOfOrder = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> senders = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            senders.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int n = i;
                    executor.execute(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (lastSeen[thread] != n - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[thread] = n;
                        running.decrementAndGet();
                    });
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread sender : senders) {
            sender.join(WAIT_MILLIS);
        }
        // every execute has returned: a task still queued would have been left behind
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread - 1, lastSeen[t], "thread " + t + "'s tasks all ran");
        }
        assertEquals(0, overlaps.get());
        assertEquals(0, outOfOrder.get());
        assertEquals(List.of(), failures);
    }
}
