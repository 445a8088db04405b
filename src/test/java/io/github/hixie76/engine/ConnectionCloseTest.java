package io.github.hixie76.engine;

import static io.github.hixie76.engine.FakeWire.write;
import static io.github.hixie76.testing.Bytes.closeFrame;
import static io.github.hixie76.testing.Bytes.concat;
import static io.github.hixie76.testing.Bytes.hex;
import static io.github.hixie76.testing.Bytes.textFrame;
import static io.github.hixie76.testing.Draft.EXAMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.engine.Connection.State;
import io.github.hixie76.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a {@link Connection} ends: the closing handshake either way (§1.4), an abrupt end, a frame over the limit. */
class ConnectionCloseTest extends ConnectionFixture {

    private static final String RESPONSE = write(EXAMPLE.response());
    private static final String CLOSE = write(closeFrame());

    // ---- closing handshake from the client

    @Test
    void clientCloseIsAnsweredThenTheWireCloses() {
        open();

        c.onData(ByteBuffer.wrap(closeFrame()));

        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
        assertFalse(c.isOpen());
        assertTrue(c.isClosed());
        assertEquals(State.CLOSED, c.state());
        assertEquals(0, group.openCount());
        assertEquals(0, group.connectionCount());
        assertEquals(0, scheduler.pending(), "close timeout cancelled");

        assertFailedWith(IOException.class, c.send("late"));
        c.close();
        c.onData(ByteBuffer.wrap(concat(textFrame("after"), closeFrame())));
        c.onEnd();
        c.onWritable();
        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
    }

    @Test
    void clientCloseWhileNotReadyAnswersAfterQueuedFramesOnceWritable() {
        open();
        wire.setReady(false);
        CompletableFuture<Void> a = c.send("a").toCompletableFuture();

        c.onData(ByteBuffer.wrap(concat(closeFrame(), textFrame("ignored"))));

        assertFalse(c.isOpen());
        assertEquals(State.CLOSE_RECEIVED, c.state());
        assertFalse(c.isClosed(), "the transport reads on until the answer is out");
        assertEquals(0, wire.closes(), "the answer is not written yet");
        assertEquals(List.of("open"), app.events(), "frames after FF 00 are discarded");
        assertFailedWith(IOException.class, c.send("late"));

        wire.setReady(true);
        c.onWritable();

        assertEquals(List.of(RESPONSE, "flush", write(textFrame("a")), CLOSE, "flush", "close"), wire.log());
        assertWritten(a);
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(State.CLOSED, c.state());
    }

    @Test
    void clientCloseAfterServerCloseIsNotAnsweredAgain() {
        open();
        c.close();
        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush"), wire.log());
        assertEquals(State.CLOSE_SENT, c.state());

        c.onData(ByteBuffer.wrap(closeFrame()));

        assertClosedAfterOneCloseFrame();
        assertEquals(0, scheduler.pending());
    }

    @Test
    void clientCloseBeforeTheServersQueuedCloseIsWrittenSendsOneCloseOnly() {
        open();
        wire.setReady(false);
        c.close();
        assertEquals(State.CLOSE_SENT, c.state());
        c.onData(ByteBuffer.wrap(closeFrame()));
        assertEquals(State.CLOSE_RECEIVED, c.state());
        assertEquals(0, wire.closes());

        wire.setReady(true);
        c.onWritable();

        assertClosedAfterOneCloseFrame();
    }

    // ---- closing handshake from the server

    @Test
    void serverCloseThenClientAnswerClosesTheWire() {
        open();

        c.close();

        assertFalse(c.isOpen());
        assertEquals(State.CLOSE_SENT, c.state());
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()));
        assertEquals(0, wire.closes(), "waits for the client's FF 00");
        assertEquals(List.of("open"), app.events());
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(0, group.broadcast("to all"));
        c.close();
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()), "close() twice sends one FF 00");

        c.onData(ByteBuffer.wrap(closeFrame()));

        assertEquals(1, wire.closes());
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()));
        assertEquals(State.CLOSED, c.state());
    }

    // ---- abrupt end

    @ParameterizedTest
    @ValueSource(strings = {"end", "error", "end,error", "error,end", "end,end", "error,error"})
    void abruptEndClosesOnce(String events) {
        open();
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
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
        assertFailedWith(IOException.class, a);
        assertFailedWith(IOException.class, b);
        assertFalse(c.isOpen());
        assertEquals(State.CLOSED, c.state());
        assertEquals(0, group.openCount());

        wire.setReady(true);
        c.onWritable();
        c.close();
        c.onData(ByteBuffer.wrap(textFrame("late")));
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(expected, app.events());
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
    }

    @Test
    void throwingOnCloseIsStillTheLastCallback() {
        open(new Recorder().onClose(session -> {
            throw new IllegalStateException("close failed");
        }));

        c.onError(new IOException("reset"));
        c.onEnd();

        assertEquals(List.of("open", "error:reset", "close"), app.events());
        assertEquals(1, wire.closes());
    }

    // ---- a frame over the limit

    @Test
    void frameOverTheLimitFailsTheConnection() {
        open(limits(10, 4L << 20));

        c.onData(ByteBuffer.wrap(textFrame("0123456789")));   // exactly the limit: fine
        assertEquals(List.of("open", "message:0123456789"), app.events());

        c.onData(ByteBuffer.wrap(textFrame("0123456789A")));

        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush", "close"), wire.log());
        assertEquals(List.of("open", "message:0123456789",
                "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"), app.events());
        assertInstanceOf(ProtocolException.class, app.errors().get(0));
        assertFalse(c.isOpen());
        assertEquals(State.CLOSED, c.state());
        assertEquals(0, group.openCount());
        assertEquals(List.of("message-size"), dropped);

        c.onData(ByteBuffer.wrap(textFrame("more")));
        c.onEnd();
        assertEquals(4, app.events().size());
        assertEquals(1, wire.closes());
    }

    @Test
    void unterminatedTextFrameFailsAsSoonAsItPassesTheLimit() {
        open(limits(10, 4L << 20));

        c.onData(ByteBuffer.wrap(hex("00 61 61 61 61 61")));
        assertTrue(c.isOpen());
        c.onData(ByteBuffer.wrap(hex("61 61 61 61 61 61")));   // 11 bytes, still no FF

        assertEquals(List.of("open", "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"),
                app.events());
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()));
        assertEquals(1, wire.closes());
    }

    @Test
    void protocolErrorWithFramesQueuedSendsNoCloseFrame() {
        open(limits(10, 4L << 20));
        wire.setReady(false);
        CompletableFuture<Void> queued = c.send("q").toCompletableFuture();

        c.onData(ByteBuffer.wrap(hex("80 0B")));   // a length-prefixed frame of 11 bytes

        assertEquals(List.of("open", "error:frame of type 0x80 exceeds the limit of 10 bytes", "close"),
                app.events());
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
        assertFailedWith(IOException.class, queued);
    }

    @Test
    void protocolErrorDoesNotFlushAfterTheCloseFrameFilledTheWire() {
        open(limits(10, 4L << 20));
        wire.stallAfterWrites(1);   // FF 00 is taken, then isReady() turns false

        c.onData(ByteBuffer.wrap(textFrame("0123456789A")));

        assertEquals(List.of(RESPONSE, "flush", CLOSE, "close"), wire.log());
        assertEquals(List.of("open", "error:frame of type 0x0 exceeds the limit of 10 bytes", "close"),
                app.events());
    }

    /** The closing handshake is over: one FF 00 after the response, the wire flushed and closed, the application told once. */
    private void assertClosedAfterOneCloseFrame() {
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wire.written()), "exactly one FF 00");
        assertEquals(List.of(RESPONSE, "flush", CLOSE, "flush", "close"), wire.log());
        assertEquals(List.of("open", "close"), app.events());
        assertEquals(State.CLOSED, c.state());
    }
}
