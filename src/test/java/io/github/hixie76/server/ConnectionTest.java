package io.github.hixie76.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.api.Session;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-connection engine driven as {@link Hixie76UpgradeHandler} drives it, through a fake
 * {@link Wire} whose readiness the test controls and a recording {@link Endpoint}.
 */
class ConnectionTest {

    // The example of draft-hixie-thewebsocketprotocol-76 (notes §1, test vector 1).
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final long PART1 = 829309203L;   // 4146546015 / 5
    private static final long PART2 = 259970620L;   // 1299853100 / 5
    private static final byte[] KEY3 = "^n:ds[4U".getBytes(ISO_8859_1);
    private static final byte[] RESPONSE = "8jKS'y:G*Co,Wxa-".getBytes(ISO_8859_1);

    private static final byte[] CLOSE = hex("FF 00");

    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration LONG = Duration.ofSeconds(60);
    /** Timers that must not fire during a test. */
    private static final EndpointConfig QUIET =
            EndpointConfig.builder().handshakeTimeout(LONG).closeTimeout(LONG).build();
    /** Timers a test waits for. */
    private static final EndpointConfig TIMED =
            EndpointConfig.builder().handshakeTimeout(SHORT).closeTimeout(SHORT).build();

    private static final Handshake HANDSHAKE = new Handshake(URI.create("ws://example.com/demo"),
            "http://example.com", null, Map.of(), null, new InetSocketAddress("127.0.0.1", 40000), Map.of());

    private static final long WAIT_SECONDS = 10;

    private ScheduledThreadPoolExecutor timer;
    private SessionGroup group;

    @BeforeEach
    void setUp() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "test-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        group = new SessionGroup();
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void fixtureIsTheDraftExample() {
        assertEquals(PART1, assertDoesNotThrow(() -> OpeningHandshake.keyPart("Sec-WebSocket-Key1", KEY1)));
        assertEquals(PART2, assertDoesNotThrow(() -> OpeningHandshake.keyPart("Sec-WebSocket-Key2", KEY2)));
        assertEquals(hex(RESPONSE), hex(OpeningHandshake.response(PART1, PART2, KEY3)));
    }

    // ---- 1. key3 and the 16 bytes

    @Test
    void key3OneByteAtATimeThenResponseOnceThenOpen() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = connect(wire, app, QUIET);
        c.start(null);
        assertEquals(1, timer.getQueue().size(), "handshake timeout armed");

        for (int i = 0; i < KEY3.length - 1; i++) {
            c.onData(ByteBuffer.wrap(new byte[] {KEY3[i]}));
            assertEquals("", hex(wire.written()), "nothing before the 8th byte of key3 (byte " + i + ")");
            assertEquals(List.of(), app.events());
            assertFalse(c.isOpen());
        }
        c.onData(ByteBuffer.wrap(new byte[] {KEY3[KEY3.length - 1]}));

        assertEquals(hex(RESPONSE), hex(wire.written()));
        assertEquals(List.of("write " + hex(RESPONSE), "flush"), wire.log());
        assertEquals(List.of("open"), app.events());
        assertTrue(c.isOpen());
        assertSame(Thread.currentThread(), app.threads().get(0));
        assertEquals(0, timer.getQueue().size(), "handshake timeout cancelled");
        assertEquals(1, group.size());

        // Later bytes are frames, not more key3, and do not answer again.
        c.onData(ByteBuffer.wrap(text("hi")));
        assertEquals(hex(RESPONSE), hex(wire.written()));
        assertEquals(List.of("open", "message:hi"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void key3AndFirstFrameInOneBufferAnswerThenEcho() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onMessage(Session::send);
        Connection c = connect(wire, app, QUIET);
        c.start(null);

        c.onData(ByteBuffer.wrap(concat(KEY3, text("hi"))));

        assertEquals(hex(concat(RESPONSE, text("hi"))), hex(wire.written()));
        assertEquals(List.of("open", "message:hi"), app.events());
        assertEquals(0, wire.closes());
        wire.assertNoViolations();
    }

    @Test
    void key3SplitAcrossReadsWithFramesBehindIt() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onMessage(Session::send);
        Connection c = connect(wire, app, QUIET);
        c.start(null);
        byte[] stream = concat(KEY3, text("one"), text("two"));

        c.onData(ByteBuffer.wrap(stream, 0, 5));
        c.onData(ByteBuffer.wrap(stream, 5, 6));   // 3 bytes of key3, then 00 'o' 'n'
        c.onData(ByteBuffer.wrap(stream, 11, stream.length - 11));

        assertEquals(hex(concat(RESPONSE, text("one"), text("two"))), hex(wire.written()));
        assertEquals(List.of("open", "message:one", "message:two"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void key3AsRequestBody() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onMessage(Session::send);
        Connection c = connect(wire, app, QUIET);

        c.start(KEY3.clone());

        assertEquals(hex(RESPONSE), hex(wire.written()));
        assertEquals(List.of("open"), app.events());
        assertTrue(c.isOpen());
        assertEquals(0, timer.getQueue().size(), "no handshake timeout once key3 is in");

        // The stream then carries frames only: these 8 bytes are not taken for key3.
        c.onData(ByteBuffer.wrap(concat(text("abc"), text("xyz"))));
        assertEquals(hex(concat(RESPONSE, text("abc"), text("xyz"))), hex(wire.written()));
        assertEquals(List.of("open", "message:abc", "message:xyz"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void responseWaitsForTheFirstWritePossible() {
        // notes §5: isReady() may be false until the first onWritePossible
        FakeWire wire = new FakeWire();
        wire.setReady(false);
        Recorder app = new Recorder();
        Connection c = connect(wire, app, QUIET);

        c.start(KEY3.clone());
        assertEquals("", hex(wire.written()));
        assertTrue(wire.askedWhileNotReady());
        assertEquals(List.of("open"), app.events());

        wire.setReady(true);
        c.onWritable();
        assertEquals(List.of("write " + hex(RESPONSE), "flush"), wire.log());
        wire.assertNoViolations();
    }

    // ---- 2. handshake timeout

    @Test
    void noKey3ClosesTheWireAfterTheHandshakeTimeoutWithoutCallbacks() throws Exception {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = connect(wire, app, TIMED);
        long started = System.nanoTime();
        c.start(null);
        c.onData(ByteBuffer.wrap(KEY3, 0, 7));   // one byte short

        await(wire.closed);
        assertTrue(wire.firstCloseNanos() - started >= SHORT.toNanos(),
                "closed after " + (wire.firstCloseNanos() - started) / 1_000_000 + " ms, before the timeout");
        timerIdle();

        assertEquals(List.of(), app.events(), "the application never saw the session");
        assertEquals(List.of("close"), wire.log(), "no bytes at all, then close");
        assertEquals(1, wire.closes());
        assertEquals(Connection.State.CLOSED, c.state());
        assertEquals(0, group.size());

        // The last byte of key3 arriving late changes nothing.
        c.onData(ByteBuffer.wrap(KEY3, 7, 1));
        c.onWritable();
        c.onEnd();
        assertEquals(List.of(), app.events());
        assertEquals(List.of("close"), wire.log());
        assertFailedWith(IOException.class, c.send("x"));
        wire.assertNoViolations();
    }

    @Test
    void endBeforeKey3ClosesWithoutCallbacksAndDisarmsTheTimer() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = connect(wire, app, QUIET);
        c.start(null);
        c.onData(ByteBuffer.wrap(KEY3, 0, 3));

        c.onEnd();

        assertEquals(List.of("close"), wire.log());
        assertEquals(List.of(), app.events());
        assertEquals(0, timer.getQueue().size());
    }

    // ---- 3. partial writes

    @Test
    void sendWhileNotReadyQueuesUntilWritable() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.setReady(false);
        wire.clearAsked();

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        CompletableFuture<Void> b = c.send("bé").toCompletableFuture();

        assertFalse(a.isDone());
        assertFalse(b.isDone());
        assertEquals(hex(RESPONSE), hex(wire.written()), "nothing written while not ready");
        assertTrue(wire.askedWhileNotReady());
        assertEquals(List.of("write " + hex(RESPONSE), "flush"), wire.log());

        wire.setReady(true);
        c.onWritable();

        assertEquals(hex(concat(RESPONSE, hex("00 61 FF"), hex("00 62 C3 A9 FF"))), hex(wire.written()));
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF", "write 0062C3A9FF", "flush"),
                wire.log());
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertTrue(b.isDone() && !b.isCompletedExceptionally());

        // Nothing left: another writable event writes and flushes nothing.
        c.onWritable();
        assertEquals(5, wire.log().size());
        wire.assertNoViolations();
    }

    @Test
    void writeThatFillsTheWireStopsTheDrainUntilWritable() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.stallAfterWrites(1);   // the next write is taken, then the container's buffer is full

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        CompletableFuture<Void> b = c.send("b").toCompletableFuture();
        CompletableFuture<Void> d = c.send("c").toCompletableFuture();

        assertTrue(a.isDone() && !a.isCompletedExceptionally(), "a was handed to the container");
        assertFalse(b.isDone());
        assertFalse(d.isDone());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF"), wire.log(),
                "no flush and no second write once isReady() said false");

        wire.setReady(true);
        c.onWritable();

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF", "write 0062FF", "write 0063FF",
                "flush"), wire.log());
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        assertTrue(d.isDone() && !d.isCompletedExceptionally());
        wire.assertNoViolations();
    }

    @Test
    void flushThatCannotHappenYetHappensOnWritable() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.stallAfterWrites(1);

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        assertTrue(a.isDone());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF"), wire.log());

        wire.setReady(true);
        c.onWritable();
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF", "flush"), wire.log());
        wire.assertNoViolations();
    }

    @Test
    void writeFailureFailsTheConnection() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.failWrites(new IOException("broken pipe"));

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();

        assertFailedWith(IOException.class, a);
        assertEquals(List.of("open", "error:broken pipe", "close"), app.events());
        assertEquals(1, wire.closes());
        assertFalse(c.isOpen());
    }

    // ---- 4. outbound limit

    @Test
    void outboundQueueOverLimitFailsTheConnection() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(1 << 20, 20));
        wire.setReady(false);

        CompletableFuture<Void> a = c.send("12345678").toCompletableFuture();   // 10 bytes queued
        CompletableFuture<Void> b = c.send("abcdefgh").toCompletableFuture();   // 20: exactly the limit
        assertFalse(a.isDone());
        assertFalse(b.isDone());
        assertTrue(c.isOpen());
        assertEquals(List.of("open"), app.events());

        CompletableFuture<Void> over = c.send("x").toCompletableFuture();      // 23 > 20

        assertFailedWith(IOException.class, over);
        assertFailedWith(IOException.class, a);
        assertFailedWith(IOException.class, b);
        assertEquals(List.of("open", "error:outbound queue would exceed 20 bytes: the peer is not reading", "close"),
                app.events());
        assertInstanceOf(IOException.class, app.errors().get(0));
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log(),
                "nothing more written: the peer is not reading");
        assertFalse(c.isOpen());
        assertEquals(0, group.size());

        wire.setReady(true);
        c.onWritable();
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log());
        assertEquals(3, app.events().size());
        wire.assertNoViolations();
    }

    @Test
    void outboundLimitCountsOnlyWhatIsStillQueued() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(1 << 20, 10));

        for (int i = 0; i < 5; i++) {   // each 10-byte frame is written at once: the queue never holds two
            assertFalse(c.send("12345678").toCompletableFuture().isCompletedExceptionally());
        }
        assertTrue(c.isOpen());
        assertEquals(List.of("open"), app.events());
        assertEquals(16 + 5 * 10, wire.written().length);
        wire.assertNoViolations();
    }

    // ---- 5. closing handshake from the client

    @Test
    void clientCloseIsAnsweredThenTheWireCloses() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);

        c.onData(ByteBuffer.wrap(CLOSE));

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
        assertFalse(c.isOpen());
        assertEquals(Connection.State.CLOSED, c.state());
        assertEquals(0, group.size());
        assertEquals(0, timer.getQueue().size(), "close timeout cancelled");

        assertFailedWith(IOException.class, c.send("late"));
        c.close();
        c.onData(ByteBuffer.wrap(concat(text("after"), CLOSE)));
        c.onEnd();
        c.onWritable();
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void clientCloseWhileNotReadyAnswersAfterQueuedFramesOnceWritable() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.setReady(false);
        CompletableFuture<Void> a = c.send("a").toCompletableFuture();

        c.onData(ByteBuffer.wrap(concat(CLOSE, text("ignored"))));

        assertFalse(c.isOpen());
        assertEquals(0, wire.closes(), "the answer is not written yet");
        assertEquals(List.of("open"), app.events(), "frames after FF 00 are discarded");
        assertFailedWith(IOException.class, c.send("late"));

        wire.setReady(true);
        c.onWritable();

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write 0061FF", "write FF00", "flush", "close"),
                wire.log());
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertEquals(List.of("open", "close"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void clientCloseAfterServerCloseIsNotAnsweredAgain() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        c.close();
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush"), wire.log());

        c.onData(ByteBuffer.wrap(CLOSE));

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush", "close"), wire.log());
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()), "exactly one FF 00");
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(0, timer.getQueue().size());
        wire.assertNoViolations();
    }

    @Test
    void clientCloseBeforeTheServersQueuedCloseIsWrittenSendsOneCloseOnly() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.setReady(false);
        c.close();
        c.onData(ByteBuffer.wrap(CLOSE));
        assertEquals(0, wire.closes());

        wire.setReady(true);
        c.onWritable();

        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()));
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
        wire.assertNoViolations();
    }

    @Test
    void lengthPrefixedFfFrameWithPayloadIsNotAClose() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);

        c.onData(ByteBuffer.wrap(concat(hex("FF 02 AA BB"), hex("80 00"), text("still open"))));

        assertTrue(c.isOpen());
        assertEquals(List.of("open", "message:still open"), app.events());
        assertEquals(hex(RESPONSE), hex(wire.written()));
    }

    // ---- 6. closing handshake from the server

    @Test
    void serverCloseThenClientAnswerClosesTheWire() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);

        c.close();

        assertFalse(c.isOpen());
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()));
        assertEquals(0, wire.closes(), "waits for the client's FF 00");
        assertEquals(List.of("open"), app.events());
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(0, group.broadcast("to all"));
        c.close();
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()), "close() twice sends one FF 00");

        c.onData(ByteBuffer.wrap(CLOSE));

        assertEquals(1, wire.closes());
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()));
        wire.assertNoViolations();
    }

    @Test
    void serverCloseWithoutAnswerEndsAfterTheCloseTimeout() throws Exception {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, TIMED);
        long closedAt = System.nanoTime();

        c.close();

        await(app.closed);
        await(wire.closed);
        assertTrue(wire.firstCloseNanos() - closedAt >= SHORT.toNanos(),
                "closed after " + (wire.firstCloseNanos() - closedAt) / 1_000_000 + " ms, before the close timeout");
        timerIdle();
        assertEquals(List.of("open", "close"), app.events());
        assertEquals("test-timer", app.threads().get(1).getName());
        assertEquals(1, wire.closes());
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()));

        c.onData(ByteBuffer.wrap(CLOSE));   // too late
        c.onEnd();
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(1, wire.closes());
        wire.assertNoViolations();
    }

    @Test
    void serverCloseThatCannotBeWrittenStillEndsAfterTheCloseTimeout() throws Exception {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, TIMED);
        wire.setReady(false);
        CompletableFuture<Void> queued = c.send("stuck").toCompletableFuture();

        c.close();

        await(app.closed);
        timerIdle();
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log());
        assertFailedWith(IOException.class, queued);
        wire.assertNoViolations();
    }

    // ---- 7. abrupt end

    @ParameterizedTest
    @ValueSource(strings = {"end", "error", "end,error", "error,end", "end,end", "error,error"})
    void abruptEndClosesOnce(String events) {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, QUIET);
        wire.setReady(false);
        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        CompletableFuture<Void> b = c.send("b").toCompletableFuture();

        for (String event : events.split(",")) {
            if (event.equals("end")) {
                c.onEnd();
            } else {
                c.onError(new IOException("connection reset"));
            }
        }

        List<String> expected = events.startsWith("error")
                ? List.of("open", "error:connection reset", "close")
                : List.of("open", "close");
        assertEquals(expected, app.events());
        assertEquals(1, wire.closes());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log());
        assertFailedWith(IOException.class, a);
        assertFailedWith(IOException.class, b);
        assertFalse(c.isOpen());
        assertEquals(0, group.size());

        wire.setReady(true);
        c.onWritable();
        c.close();
        c.onData(ByteBuffer.wrap(text("late")));
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(expected, app.events());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log());
        wire.assertNoViolations();
    }

    // ---- 8. protocol errors

    @Test
    void frameOverTheLimitFailsTheConnection() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(10, 4L << 20));

        c.onData(ByteBuffer.wrap(text("0123456789")));   // exactly the limit: fine
        assertEquals(List.of("open", "message:0123456789"), app.events());

        c.onData(ByteBuffer.wrap(text("0123456789A")));

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "flush", "close"), wire.log());
        assertEquals(List.of("open", "message:0123456789",
                "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"), app.events());
        assertInstanceOf(ProtocolException.class, app.errors().get(0));
        assertFalse(c.isOpen());
        assertEquals(0, group.size());

        c.onData(ByteBuffer.wrap(text("more")));
        c.onEnd();
        assertEquals(4, app.events().size());
        assertEquals(1, wire.closes());
        wire.assertNoViolations();
    }

    @Test
    void unterminatedTextFrameFailsAsSoonAsItPassesTheLimit() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(10, 4L << 20));

        c.onData(ByteBuffer.wrap(hex("00 61 61 61 61 61")));
        assertTrue(c.isOpen());
        c.onData(ByteBuffer.wrap(hex("61 61 61 61 61 61")));   // 11 bytes, still no FF

        assertEquals(List.of("open", "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"),
                app.events());
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wire.written()));
        assertEquals(1, wire.closes());
    }

    @Test
    void protocolErrorWithFramesQueuedSendsNoCloseFrame() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(10, 4L << 20));
        wire.setReady(false);
        CompletableFuture<Void> queued = c.send("q").toCompletableFuture();

        c.onData(ByteBuffer.wrap(hex("80 0B")));   // a length-prefixed frame of 11 bytes

        assertEquals(List.of("open", "error:frame of type 0x80 exceeds the limit of 10 bytes", "close"),
                app.events());
        assertEquals(List.of("write " + hex(RESPONSE), "flush", "close"), wire.log());
        assertFailedWith(IOException.class, queued);
        wire.assertNoViolations();
    }

    @Test
    void protocolErrorDoesNotFlushAfterTheCloseFrameFilledTheWire() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = open(wire, app, config(10, 4L << 20));
        wire.stallAfterWrites(1);   // FF 00 is taken, then isReady() turns false

        c.onData(ByteBuffer.wrap(text("0123456789A")));

        assertEquals(List.of("write " + hex(RESPONSE), "flush", "write FF00", "close"), wire.log());
        assertEquals(List.of("open", "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"),
                app.events());
        wire.assertNoViolations();
    }

    // ---- 9. callbacks

    @Test
    void callbacksRunInOrder() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder();
        Connection c = connect(wire, app, QUIET);
        c.start(null);
        byte[] stream = concat(KEY3, text("one"), hex("01 DD FF"), text("twö"), hex("81 01 00"), text(""),
                text("three"));

        for (int i = 0; i < stream.length; i += 3) {
            c.onData(ByteBuffer.wrap(stream, i, Math.min(3, stream.length - i)));
        }
        c.onEnd();

        assertEquals(List.of("open", "message:one", "message:twö", "message:", "message:three", "close"),
                app.events());
    }

    @Test
    void throwingOnMessageReportsAnErrorAndKeepsTheSession() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onMessage((session, text) -> {
            if (text.equals("bad")) {
                throw new IllegalStateException("application bug");
            }
            session.send("ok " + text);
        });
        Connection c = open(wire, app, QUIET);

        c.onData(ByteBuffer.wrap(concat(text("bad"), text("good"))));

        assertEquals(List.of("open", "message:bad", "error:application bug", "message:good"), app.events());
        assertInstanceOf(IllegalStateException.class, app.errors().get(0));
        assertTrue(c.isOpen());
        assertEquals(hex(concat(RESPONSE, text("ok good"))), hex(wire.written()));
        assertEquals(0, wire.closes());

        c.onData(ByteBuffer.wrap(text("again")));
        assertEquals("message:again", app.events().get(4));
    }

    @Test
    void throwingOnOpenReportsAnErrorAndKeepsTheSession() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onOpen(session -> {
            throw new IllegalStateException("open failed");
        });
        Connection c = connect(wire, app, QUIET);

        c.start(KEY3.clone());
        c.onData(ByteBuffer.wrap(text("x")));

        assertEquals(List.of("open", "error:open failed", "message:x"), app.events());
        assertEquals(hex(RESPONSE), hex(wire.written()));
        assertTrue(c.isOpen());
    }

    @Test
    void throwingOnCloseIsStillTheLastCallback() {
        FakeWire wire = new FakeWire();
        Recorder app = new Recorder().onClose(session -> {
            throw new IllegalStateException("close failed");
        });
        Connection c = open(wire, app, QUIET);

        c.onError(new IOException("reset"));
        c.onEnd();

        assertEquals(List.of("open", "error:reset", "close"), app.events());
        assertEquals(1, wire.closes());
    }

    @Test
    void callbackFromAnotherThreadNeverWaitsAndRunsAfterTheRunningOne() throws Exception {
        FakeWire wire = new FakeWire();
        CountDownLatch inMessage = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder app = new Recorder().onMessage((session, text) -> {
            inMessage.countDown();
            awaitUninterruptibly(release);
        });
        Connection c = open(wire, app, QUIET);
        Thread reader = new Thread(() -> c.onData(ByteBuffer.wrap(text("slow"))), "reader");
        reader.start();
        await(inMessage);

        Thread writer = new Thread(() -> c.onError(new IOException("write failed")), "writer");
        writer.start();
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(writer.isAlive(), "onError must return while another callback runs");

        assertEquals(List.of("open", "message:slow"), app.events(), "no callback overtakes the running one");
        assertEquals(1, wire.closes(), "the wire is closed at once");
        assertEquals(1, app.maxInCallback());

        release.countDown();
        reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
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
            frames[i] = text("m" + i);
        }
        for (int round = 0; round < 1000; round++) {
            FakeWire wire = new FakeWire();
            Recorder app = new Recorder();
            Connection c = connect(wire, app, QUIET);
            c.start(null);
            int endAfter = round % (messages + 2);   // events seen before the other thread ends it
            int delay = (round * 37) % 500;
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<Throwable> crashed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                awaitBarrier(go);
                c.onData(ByteBuffer.wrap(KEY3));
                for (byte[] frame : frames) {
                    c.onData(ByteBuffer.wrap(frame));
                }
            }, "reader");
            Thread ender = new Thread(() -> {
                awaitBarrier(go);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
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
            reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            ender.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(reader.isAlive() || ender.isAlive(), "round " + round + " stuck");
            assertEquals(null, crashed.get(), "round " + round);

            List<String> events = app.events();
            String where = "round " + round + ": " + events;
            assertTrue(app.maxInCallback() <= 1, "callbacks overlapped, " + where);
            assertEquals(Connection.State.CLOSED, c.state(), where);
            assertEquals(1, wire.closes(), where);
            assertEquals(0, group.size(), where);
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

    // ---- 10. broadcast

    @Test
    void broadcastReachesEachOpenSessionOnceWithTheSameBytes() {
        FakeWire[] wires = {new FakeWire(), new FakeWire(), new FakeWire()};
        Recorder[] apps = {new Recorder(), new Recorder(), new Recorder()};
        Connection[] cs = new Connection[3];
        for (int i = 0; i < 3; i++) {
            cs[i] = open(wires[i], apps[i], QUIET);
        }
        assertEquals(3, group.size());
        wires[1].setReady(false);   // a slow one still gets it, later

        assertEquals(3, cs[0].broadcast("hello, everyone"));

        byte[] expected = concat(RESPONSE, text("hello, everyone"));
        assertEquals(hex(expected), hex(wires[0].written()));
        assertEquals(hex(expected), hex(wires[2].written()));
        assertEquals(hex(RESPONSE), hex(wires[1].written()));
        wires[1].setReady(true);
        cs[1].onWritable();
        assertEquals(hex(expected), hex(wires[1].written()), "the shared frame was not consumed by the others");

        cs[2].onEnd();
        assertEquals(2, group.size());
        assertEquals(2, cs[2].broadcast("second"));   // from a closed session: still reaches the open ones

        assertEquals(hex(concat(expected, text("second"))), hex(wires[0].written()));
        assertEquals(hex(concat(expected, text("second"))), hex(wires[1].written()));
        assertEquals(hex(expected), hex(wires[2].written()));
        for (FakeWire wire : wires) {
            wire.assertNoViolations();
        }
    }

    @Test
    void broadcastSkipsClosingSessionsAndCountsOnlyQueued() {
        FakeWire[] wires = {new FakeWire(), new FakeWire(), new FakeWire()};
        Connection[] cs = new Connection[3];
        for (int i = 0; i < 3; i++) {
            cs[i] = open(wires[i], new Recorder(), QUIET);
        }
        cs[1].close();   // closing: still in the group until the client answers, but accepts nothing

        assertEquals(2, group.broadcast("x"));

        assertEquals(hex(concat(RESPONSE, text("x"))), hex(wires[0].written()));
        assertEquals(hex(concat(RESPONSE, CLOSE)), hex(wires[1].written()));
        assertEquals(hex(concat(RESPONSE, text("x"))), hex(wires[2].written()));
    }

    @Test
    void broadcastDisconnectsAPeerOverItsLimitAndDoesNotCountIt() {
        FakeWire fast = new FakeWire();
        FakeWire slow = new FakeWire();
        Recorder slowApp = new Recorder();
        EndpointConfig small = config(1 << 20, 8);
        Connection a = open(fast, new Recorder(), small);
        Connection b = open(slow, slowApp, small);
        slow.setReady(false);

        assertEquals(2, group.broadcast("1234"));   // 6 bytes each
        assertEquals(1, group.broadcast("5678"));   // the slow one would hold 12 > 8

        assertEquals(hex(concat(RESPONSE, text("1234"), text("5678"))), hex(fast.written()));
        assertEquals(List.of("open", "error:outbound queue would exceed 8 bytes: the peer is not reading", "close"),
                slowApp.events());
        assertTrue(a.isOpen());
        assertFalse(b.isOpen());
        assertEquals(1, group.size());
    }

    // ---- helpers

    private Connection connect(FakeWire wire, Endpoint endpoint, EndpointConfig config) {
        return new Connection(wire, endpoint, HANDSHAKE, PART1, PART2, config, group, timer);
    }

    /** A connection past the handshake, the 16 bytes written and flushed. */
    private Connection open(FakeWire wire, Recorder app, EndpointConfig config) {
        Connection c = connect(wire, app, config);
        c.start(null);
        c.onData(ByteBuffer.wrap(KEY3));
        assertEquals(List.of("write " + hex(RESPONSE), "flush"), wire.log());
        assertEquals(List.of("open"), app.events());
        return c;
    }

    private static EndpointConfig config(int maxMessageSize, long maxOutboundBytes) {
        return EndpointConfig.builder().maxMessageSize(maxMessageSize).maxOutboundBytes(maxOutboundBytes)
                .handshakeTimeout(LONG).closeTimeout(LONG).build();
    }

    /** Waits until the timer thread has run everything that was due. */
    private void timerIdle() throws Exception {
        timer.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out waiting");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out waiting");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Throwable assertFailedWith(Class<? extends Throwable> type, CompletionStage<Void> stage) {
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

    /** {@code 00 <UTF-8> FF}, written out by hand rather than by the encoder under test. */
    private static byte[] text(String s) {
        return concat(new byte[] {0x00}, s.getBytes(UTF_8), new byte[] {(byte) 0xFF});
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String spaced) {
        String digits = spaced.replace(" ", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }

    /**
     * The non-blocking contract of {@code ServletOutputStream}, by hand: the test flips
     * {@code ready}; a write while not ready, a flush while not ready or anything after close
     * is a violation, recorded and thrown as the containers do.
     */
    static final class FakeWire implements Wire {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final List<String> log = new ArrayList<>();
        private final List<String> violations = new ArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        private boolean ready = true;
        private boolean askedWhileNotReady;
        private int writesBeforeStall = -1;
        private IOException writeFailure;
        private int closes;
        private long firstCloseNanos;

        synchronized void setReady(boolean ready) {
            this.ready = ready;
            writesBeforeStall = -1;
        }

        /** The next {@code n} writes are taken; after the last of them isReady() turns false. */
        synchronized void stallAfterWrites(int n) {
            writesBeforeStall = n;
        }

        synchronized void failWrites(IOException failure) {
            writeFailure = failure;
        }

        synchronized void clearAsked() {
            askedWhileNotReady = false;
        }

        @Override
        public synchronized boolean isReady() {
            if (!ready) {
                askedWhileNotReady = true;
            }
            return ready;
        }

        @Override
        public synchronized void write(ByteBuffer bytes) throws IOException {
            check("write");
            if (writeFailure != null) {
                throw writeFailure;
            }
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            written.writeBytes(b);
            log.add("write " + hex(b));
            if (writesBeforeStall > 0 && --writesBeforeStall == 0) {
                ready = false;
            }
        }

        @Override
        public synchronized void flush() {
            check("flush");
            log.add("flush");
        }

        @Override
        public synchronized void close() {
            if (closes++ == 0) {
                firstCloseNanos = System.nanoTime();
                log.add("close");
                closed.countDown();
            }
        }

        private void check(String what) {
            String violation = closes > 0 ? what + " after close" : !ready ? what + " while not ready" : null;
            if (violation != null) {
                violations.add(violation);
                throw new IllegalStateException(violation);
            }
        }

        synchronized byte[] written() {
            return written.toByteArray();
        }

        synchronized List<String> log() {
            return List.copyOf(log);
        }

        synchronized int closes() {
            return closes;
        }

        synchronized long firstCloseNanos() {
            return firstCloseNanos;
        }

        synchronized boolean askedWhileNotReady() {
            return askedWhileNotReady;
        }

        synchronized void assertNoViolations() {
            assertEquals(List.of(), violations);
        }
    }

    /** Logs each callback with the thread that ran it, and how many ran at once. */
    static final class Recorder implements Endpoint {
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger inCallback = new AtomicInteger();
        private final AtomicInteger maxInCallback = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        private Consumer<Session> onOpen = session -> { };
        private BiConsumer<Session, String> onMessage = (session, text) -> { };
        private Consumer<Session> onClose = session -> { };

        Recorder onOpen(Consumer<Session> action) {
            onOpen = action;
            return this;
        }

        Recorder onMessage(BiConsumer<Session, String> action) {
            onMessage = action;
            return this;
        }

        Recorder onClose(Consumer<Session> action) {
            onClose = action;
            return this;
        }

        @Override
        public void onOpen(Session session) {
            enter("open");
            try {
                onOpen.accept(session);
            } finally {
                inCallback.decrementAndGet();
            }
        }

        @Override
        public void onMessage(Session session, String text) {
            enter("message:" + text);
            try {
                onMessage.accept(session, text);
            } finally {
                inCallback.decrementAndGet();
            }
        }

        @Override
        public void onError(Session session, Throwable error) {
            enter("error:" + error.getMessage());
            errors.add(error);
            inCallback.decrementAndGet();
        }

        @Override
        public void onClose(Session session) {
            enter("close");
            try {
                onClose.accept(session);
            } finally {
                inCallback.decrementAndGet();
                closed.countDown();
            }
        }

        private void enter(String event) {
            maxInCallback.accumulateAndGet(inCallback.incrementAndGet(), Math::max);
            events.add(event);
            threads.add(Thread.currentThread());
        }

        List<String> events() {
            return List.copyOf(events);
        }

        List<Thread> threads() {
            return List.copyOf(threads);
        }

        List<Throwable> errors() {
            return List.copyOf(errors);
        }

        int maxInCallback() {
            return maxInCallback.get();
        }
    }
}
