package io.github.hixie76.engine;

import static io.github.hixie76.engine.FakeWire.write;
import static io.github.hixie76.testing.Draft.EXAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.api.Handshake;
import io.github.hixie76.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/**
 * What the {@link Connection} tests share: the engine driven as a transport drives it, through
 * a {@link FakeWire} whose readiness the test flips, a {@link Recorder} endpoint and a
 * {@link ManualScheduler} whose clock only the test moves. Every wire a test made is checked
 * for write-contract violations after the test. The helpers leave the connection they made,
 * its wire and its endpoint in {@link #c}, {@link #wire} and {@link #app}; a test of several
 * connections keeps each one's as it goes.
 */
abstract class ConnectionFixture {

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Not the handshake timeout, so that a test notices which timer fired. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    /** No idle timeout: the tests of it set their own. */
    static final Limits LIMITS = new Limits(1 << 20, 4L << 20, HANDSHAKE_TIMEOUT, CLOSE_TIMEOUT, Duration.ZERO);

    static final Handshake HANDSHAKE = new Handshake(URI.create("ws://example.com/demo"),
            "http://example.com", null, Map.of(), null, new InetSocketAddress("127.0.0.1", 40000), Map.of());

    /** The deadline of a wait on another thread. */
    static final Duration WAIT = Await.DEFAULT;

    final ManualScheduler scheduler = new ManualScheduler();
    final SessionGroup group = new SessionGroup();
    /** The reasons connections gave {@link Counters#dropped}, in order. */
    final List<String> dropped = new CopyOnWriteArrayList<>();
    private final List<FakeWire> wires = new CopyOnWriteArrayList<>();
    private final Counters counters = new Counters() {
        @Override
        public void dropped(String reason) {
            dropped.add(reason);
        }
    };

    /** The connection the last helper made, its wire and its endpoint. */
    Connection c;
    FakeWire wire;
    Recorder app;

    @AfterEach
    final void everyWireKeptItsContract() {
        for (FakeWire w : wires) {
            w.assertNoViolations();
        }
    }

    /** A connection right after the 101 headers, not started. */
    Connection connect(Recorder endpoint, Limits limits) {
        wire = new FakeWire();
        wires.add(wire);
        app = endpoint;
        c = new Connection(wire, endpoint, HANDSHAKE, EXAMPLE.part1(), EXAMPLE.part2(),
                new EndpointContext(limits, group, counters, scheduler));
        return c;
    }

    /** A connection started with key3 to follow on the stream. */
    Connection awaitingKey3(Recorder endpoint, Limits limits) {
        connect(endpoint, limits);
        c.start(null);
        return c;
    }

    Connection awaitingKey3() {
        return awaitingKey3(new Recorder(), LIMITS);
    }

    /** A connection past the handshake, the 16 bytes written and flushed. */
    Connection open(Recorder endpoint, Limits limits) {
        awaitingKey3(endpoint, limits);
        c.onData(ByteBuffer.wrap(EXAMPLE.key3()));
        assertEquals(List.of(write(EXAMPLE.response()), "flush"), wire.log());
        assertEquals(List.of("open"), app.events());
        return c;
    }

    Connection open(Recorder endpoint) {
        return open(endpoint, LIMITS);
    }

    Connection open(Limits limits) {
        return open(new Recorder(), limits);
    }

    Connection open() {
        return open(new Recorder(), LIMITS);
    }

    static Limits limits(int maxMessageSize, long maxOutboundBytes) {
        return new Limits(maxMessageSize, maxOutboundBytes, HANDSHAKE_TIMEOUT, CLOSE_TIMEOUT, Duration.ZERO);
    }

    static Throwable assertFailedWith(Class<? extends Throwable> type, CompletionStage<Void> stage) {
        CompletableFuture<Void> future = stage.toCompletableFuture();
        assertTrue(future.isDone(), "the future is complete");
        try {
            future.get(0, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertInstanceOf(type, e.getCause());
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            fail(e);
        }
        return fail("the future completed normally");
    }

    static void assertWritten(CompletionStage<Void> stage) {
        CompletableFuture<Void> future = stage.toCompletableFuture();
        assertTrue(future.isDone() && !future.isCompletedExceptionally(), "the future completed normally");
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "timed out waiting");
    }

    static void join(Thread thread) throws InterruptedException {
        thread.join(WAIT.toMillis());
    }
}
