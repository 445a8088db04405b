package io.github.hixie76.engine;

import static io.github.hixie76.engine.FakeWire.write;
import static io.github.hixie76.testing.Bytes.closeFrame;
import static io.github.hixie76.testing.Bytes.concat;
import static io.github.hixie76.testing.Bytes.hex;
import static io.github.hixie76.testing.Bytes.textFrame;
import static io.github.hixie76.testing.Draft.EXAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.engine.Connection.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The three timers of a {@link Connection}, on a clock the test moves: key3 after the headers,
 * the peer's {@code FF 00} after ours, idleness. Each fires at its timeout exactly, not a
 * nanosecond before.
 */
class ConnectionTimersTest extends ConnectionFixture {

    private static final Duration NANO = Duration.ofNanos(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Limits IDLE = new Limits(1 << 20, 4L << 20, HANDSHAKE_TIMEOUT, CLOSE_TIMEOUT, IDLE_TIMEOUT);
    private static final String RESPONSE = write(EXAMPLE.response());
    private static final String CLOSE = write(closeFrame());

    // ---- handshake timeout

    @Test
    void noKey3ClosesTheWireAfterTheHandshakeTimeoutWithoutCallbacks() {
        awaitingKey3();
        c.onData(ByteBuffer.wrap(EXAMPLE.key3(), 0, 7));   // one byte short
        assertEquals(1, scheduler.pending());

        scheduler.advance(HANDSHAKE_TIMEOUT.minus(NANO));
        assertEquals(List.of(), wire.log(), "not before the timeout");
        scheduler.advance(NANO);

        assertEquals(List.of(), app.events(), "the application never saw the session");
        assertEquals(List.of("close"), wire.log(), "no bytes at all, then close");
        assertEquals(1, wire.closes());
        assertEquals(State.CLOSED, c.state());
        assertTrue(c.isClosed());
        assertEquals(0, group.connectionCount());
        assertEquals(0, group.openCount());
        assertEquals(0, scheduler.pending());
        assertEquals(List.of("handshake-timeout"), dropped);

        // The last byte of key3 arriving late changes nothing.
        c.onData(ByteBuffer.wrap(EXAMPLE.key3(), 7, 1));
        c.onWritable();
        c.onEnd();
        assertEquals(List.of(), app.events());
        assertEquals(List.of("close"), wire.log());
        assertFailedWith(IOException.class, c.send("x"));
    }

    @Test
    void endBeforeKey3ClosesWithoutCallbacksAndDisarmsTheTimer() {
        awaitingKey3();
        c.onData(ByteBuffer.wrap(EXAMPLE.key3(), 0, 3));

        c.onEnd();

        assertEquals(List.of("close"), wire.log());
        assertEquals(List.of(), app.events());
        assertEquals(0, scheduler.pending());
        scheduler.advance(HANDSHAKE_TIMEOUT);
        assertEquals(List.of(), dropped, "no timeout counted");
    }

    // ---- close timeout

    @Test
    void serverCloseWithoutAnswerEndsAfterTheCloseTimeout() {
        open();

        c.close();
        assertEquals(1, scheduler.pending(), "close timeout armed");
        scheduler.advance(CLOSE_TIMEOUT.minus(NANO));
        assertEquals(List.of("open"), app.events(), "not before the close timeout");
        assertEquals(0, wire.closes());
        assertEquals(State.CLOSE_SENT, c.state());
        scheduler.advance(NANO);

        assertEquals(List.of("open", "close"), app.events());
        assertSame(Thread.currentThread(), app.threads().get(1), "onClose ran on the timer's thread");
        assertEquals(1, wire.closes());
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()));
        assertEquals(State.CLOSED, c.state());
        assertEquals(List.of("close-timeout"), dropped);

        c.onData(ByteBuffer.wrap(closeFrame()));   // too late
        c.onEnd();
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(1, wire.closes());
    }

    @Test
    void serverCloseThatCannotBeWrittenStillEndsAfterTheCloseTimeout() {
        open();
        wire.setReady(false);
        CompletableFuture<Void> queued = c.send("stuck").toCompletableFuture();

        c.close();
        scheduler.advance(CLOSE_TIMEOUT.minus(NANO));
        assertEquals(List.of("open"), app.events(), "not before the close timeout");
        scheduler.advance(NANO);

        assertEquals(List.of("open", "close"), app.events());
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
        assertFailedWith(IOException.class, queued);
    }

    @Test
    void clientCloseThatCannotBeAnsweredEndsAfterTheCloseTimeout() {
        open();
        wire.setReady(false);

        c.onData(ByteBuffer.wrap(closeFrame()));
        assertEquals(State.CLOSE_RECEIVED, c.state());
        assertEquals(1, scheduler.pending(), "close timeout armed");
        scheduler.advance(CLOSE_TIMEOUT);

        assertEquals(State.CLOSED, c.state());
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
        assertEquals(List.of("close-timeout"), dropped);
    }

    // ---- idle timeout

    @Test
    void noIdleTimerWhenTheIdleTimeoutIsZero() {
        open();
        assertEquals(0, scheduler.pending());
        scheduler.advance(Duration.ofDays(1));
        assertEquals(State.OPEN, c.state());
    }

    @Test
    void idleConnectionIsClosedAfterTheIdleTimeoutThenEndsAfterTheCloseTimeout() {
        open(IDLE);
        assertEquals(1, scheduler.pending(), "idle check armed");

        scheduler.advance(IDLE_TIMEOUT.minus(NANO));
        assertEquals(State.OPEN, c.state(), "not before the idle timeout");
        scheduler.advance(NANO);

        assertDroppedAndClosing("idle-timeout");
        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush"), wire.log());
        assertEquals(List.of("open"), app.events());

        scheduler.advance(CLOSE_TIMEOUT);
        assertEquals(State.CLOSED, c.state());
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(List.of("idle-timeout", "close-timeout"), dropped);
        assertEquals(0, scheduler.pending());
    }

    @Test
    void bytesInEitherDirectionPostponeTheIdleTimeout() {
        open(IDLE);

        scheduler.advance(Duration.ofSeconds(6));
        c.onData(ByteBuffer.wrap(textFrame("in")));        // read at 6 s
        scheduler.advance(Duration.ofSeconds(6));
        assertWritten(c.send("out"));                      // written at 12 s
        scheduler.advance(IDLE_TIMEOUT.minus(NANO));
        assertEquals(State.OPEN, c.state(), "idle for less than the timeout since the last write");
        assertEquals(1, scheduler.pending(), "one idle check at a time");

        scheduler.advance(NANO);
        assertDroppedAndClosing("idle-timeout");
    }

    @Test
    void aMessageStuckInTheQueueIsNoActivity() {
        open(IDLE);
        wire.setReady(false);
        c.send("stuck");

        scheduler.advance(IDLE_TIMEOUT);

        assertDroppedAndClosing("idle-timeout");
    }

    @Test
    void closedConnectionLeavesNoTimerBehind() {
        open(IDLE);
        c.close();
        assertEquals(2, scheduler.pending(), "the idle check and the close timeout");

        c.onData(ByteBuffer.wrap(closeFrame()));

        assertEquals(State.CLOSED, c.state());
        assertEquals(0, scheduler.pending());
    }

    /** The connection was dropped for REASON (only that) and has sent its FF 00. */
    private void assertDroppedAndClosing(String reason) {
        assertEquals(State.CLOSE_SENT, c.state());
        assertEquals(List.of(reason), dropped);
    }
}
