package io.github.hixie76.engine;

import static io.github.hixie76.testing.Bytes.textFrame;
import static io.github.hixie76.testing.Draft.EXAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A {@link Connection} called from several threads at once: callbacks never overlap, never wait, and close is last. */
class ConnectionConcurrencyTest extends ConnectionFixture {

    @Test
    void callbackFromAnotherThreadNeverWaitsAndRunsAfterTheRunningOne() throws Exception {
        CountDownLatch inMessage = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Connection c = open(new Recorder().onMessage((session, text) -> {
            inMessage.countDown();
            awaitUninterruptibly(release);
        }));
        Thread reader = new Thread(() -> c.onData(ByteBuffer.wrap(textFrame("slow"))), "reader");
        reader.start();
        await(inMessage);

        Thread writer = new Thread(() -> c.onError(new IOException("write failed")), "writer");
        writer.start();
        join(writer);
        assertFalse(writer.isAlive(), "onError must return while another callback runs");

        assertEquals(List.of("open", "message:slow"), app.events(), "no callback overtakes the running one");
        assertEquals(1, wire.closes(), "the wire is closed at once");
        assertEquals(1, app.maxInCallback());

        release.countDown();
        join(reader);
        assertFalse(reader.isAlive());
        assertEquals(List.of("open", "message:slow", "error:write failed", "close"), app.events());
        assertEquals("reader", app.threads().get(2).getName(), "the queued callbacks ran on the busy thread");
        assertEquals("reader", app.threads().get(3).getName());
        assertEquals(1, app.maxInCallback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"end", "error"})
    void concurrentReadAndEndNeverOverlapAndCloseIsLast(String ending) throws Exception {
        int messages = 20;
        byte[][] frames = new byte[messages][];
        for (int i = 0; i < messages; i++) {
            frames[i] = textFrame("m" + i);
        }
        for (int round = 0; round < 1000; round++) {
            Recorder app = new Recorder();
            Connection c = awaitingKey3(app, LIMITS);
            FakeWire wire = this.wire;
            int endAfter = round % (messages + 2);   // events seen before the other thread ends it
            int delay = (round * 37) % 500;
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<Throwable> crashed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                awaitBarrier(go);
                c.onData(ByteBuffer.wrap(EXAMPLE.key3()));
                for (byte[] frame : frames) {
                    c.onData(ByteBuffer.wrap(frame));
                }
            }, "reader");
            Thread ender = new Thread(() -> {
                awaitBarrier(go);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (app.events().size() < endAfter && reader.isAlive() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                for (int spin = 0; spin < delay; spin++) {   // moves the end across the reader's steps
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 5; i++) {
                    if (ending.equals("end")) {
                        c.onEnd();
                    } else {
                        c.onError(new IOException("reset"));
                    }
                }
            }, "ender");
            reader.setUncaughtExceptionHandler((t, e) -> crashed.set(e));
            ender.setUncaughtExceptionHandler((t, e) -> crashed.set(e));
            reader.start();
            ender.start();
            join(reader);
            join(ender);
            assertFalse(reader.isAlive() || ender.isAlive(), "round " + round + " stuck");
            assertNull(crashed.get(), "round " + round);

            List<String> events = app.events();
            String where = "round " + round + ": " + events;
            assertTrue(app.maxInCallback() <= 1, "callbacks overlapped, " + where);
            assertEquals(Connection.State.CLOSED, c.state(), where);
            assertEquals(1, wire.closes(), where);
            assertEquals(0, group.openCount(), where);
            assertEquals(0, group.connectionCount(), where);
            wire.assertNoViolations();
            if (events.isEmpty()) {
                continue;   // ended before key3: the application never saw it
            }
            List<String> expected = new ArrayList<>();
            expected.add("open");
            int delivered = (int) events.stream().filter(e -> e.startsWith("message:")).count();
            for (int i = 0; i < delivered; i++) {
                expected.add("message:m" + i);
            }
            if (ending.equals("error")) {
                expected.add("error:reset");
            }
            expected.add("close");
            assertEquals(expected, events, where);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("timed out waiting");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
