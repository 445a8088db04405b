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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a {@link Connection} writes: partial writes, the outbound limit, broadcast. */
class ConnectionWritesTest extends ConnectionFixture {

    private static final String RESPONSE = write(EXAMPLE.response());

    // ---- partial writes

    @Test
    void sendWhileNotReadyQueuesUntilWritable() {
        open();
        wire.setReady(false);
        wire.clearAsked();

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        CompletableFuture<Void> b = c.send("bé").toCompletableFuture();

        assertFalse(a.isDone());
        assertFalse(b.isDone());
        assertEquals(hex(EXAMPLE.response()), hex(wire.written()), "nothing written while not ready");
        assertTrue(wire.askedWhileNotReady());
        assertEquals(List.of(RESPONSE, "flush"), wire.log());

        wire.setReady(true);
        c.onWritable();

        assertEquals(hex(concat(EXAMPLE.response(), hex("00 61 FF"), hex("00 62 C3 A9 FF"))), hex(wire.written()));
        assertEquals(List.of(RESPONSE, "flush", write(hex("00 61 FF")), write(hex("00 62 C3 A9 FF")), "flush"),
                wire.log());
        assertWritten(a);
        assertWritten(b);

        // Nothing left: another writable event writes and flushes nothing.
        c.onWritable();
        assertEquals(5, wire.log().size());
    }

    @Test
    void writeThatFillsTheWireStopsTheDrainUntilWritable() {
        open();
        wire.stallAfterWrites(1);   // the next write is taken, then the container's buffer is full

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        CompletableFuture<Void> b = c.send("b").toCompletableFuture();
        CompletableFuture<Void> d = c.send("c").toCompletableFuture();

        assertWritten(a);   // handed to the container
        assertFalse(b.isDone());
        assertFalse(d.isDone());
        assertEquals(List.of(RESPONSE, "flush", write(textFrame("a"))), wire.log(),
                "no flush and no second write once isReady() said false");

        wire.setReady(true);
        c.onWritable();

        assertEquals(List.of(RESPONSE, "flush", write(textFrame("a")), write(textFrame("b")), write(textFrame("c")),
                "flush"), wire.log());
        assertWritten(b);
        assertWritten(d);
    }

    @Test
    void flushThatCannotHappenYetHappensOnWritable() {
        open();
        wire.stallAfterWrites(1);

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();
        assertTrue(a.isDone());
        assertEquals(List.of(RESPONSE, "flush", write(textFrame("a"))), wire.log());

        wire.setReady(true);
        c.onWritable();
        assertEquals(List.of(RESPONSE, "flush", write(textFrame("a")), "flush"), wire.log());
    }

    @Test
    void writeFailureFailsTheConnection() {
        open();
        wire.failWrites(new IOException("broken pipe"));

        CompletableFuture<Void> a = c.send("a").toCompletableFuture();

        assertFailedWith(IOException.class, a);
        assertEquals(List.of("open", "error:broken pipe", "close"), app.events());
        assertEquals(1, wire.closes());
        assertFalse(c.isOpen());
        assertEquals(Connection.State.CLOSED, c.state());
    }

    // ---- outbound limit

    @Test
    void outboundQueueOverLimitFailsTheConnection() {
        open(limits(1 << 20, 20));
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
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log(), "nothing more written: the peer is not reading");
        assertFalse(c.isOpen());
        assertEquals(0, group.openCount());
        assertEquals(List.of("outbound-queue"), dropped);

        wire.setReady(true);
        c.onWritable();
        assertFailedWith(IOException.class, c.send("late"));
        assertEquals(List.of(RESPONSE, "flush", "close"), wire.log());
        assertEquals(3, app.events().size());
    }

    @Test
    void outboundLimitCountsOnlyWhatIsStillQueued() {
        open(limits(1 << 20, 10));

        for (int i = 0; i < 5; i++) {   // each 10-byte frame is written at once: the queue never holds two
            assertWritten(c.send("12345678"));
        }
        assertTrue(c.isOpen());
        assertEquals(List.of("open"), app.events());
        assertEquals(16 + 5 * 10, wire.written().length);
    }

    // ---- one write per read

    @Test
    void whatTheCallbacksOfOneReadSendIsWrittenAfterTheReadWithOneFlush() {
        open(new Recorder().onMessage((session, text) -> session.send(text.toUpperCase())));
        wire.clearLog();

        c.onData(ByteBuffer.wrap(concat(textFrame("a"), textFrame("b"))));

        assertEquals(List.of(write(textFrame("A")), write(textFrame("B")), "flush"), wire.log());
    }

    @Test
    void broadcastsFromOneReadReachEachMemberWithOneFlush() {
        Connection receiver = open();
        FakeWire receiverWire = wire;
        open(new Recorder().onMessage((session, text) -> session.broadcast(text)));
        receiverWire.clearLog();

        c.onData(ByteBuffer.wrap(concat(textFrame("1"), textFrame("2"))));

        assertEquals(List.of(write(textFrame("1")), write(textFrame("2")), "flush"), receiverWire.log());
        assertTrue(receiver.isOpen());
    }

    // ---- broadcast

    /** Opens one connection of the group per element of {@code wires}, and puts its wire there. */
    private Connection[] openEach(FakeWire[] wires) {
        Connection[] cs = new Connection[wires.length];
        for (int i = 0; i < wires.length; i++) {
            cs[i] = open();
            wires[i] = wire;
        }
        return cs;
    }

    @Test
    void broadcastReachesEachOpenSessionOnceWithTheSameBytes() {
        FakeWire[] wires = new FakeWire[3];
        Connection[] cs = openEach(wires);
        assertEquals(3, group.openCount());
        wires[1].setReady(false);   // a slow one still gets it, later

        assertEquals(3, cs[0].broadcast("hello, everyone"));

        byte[] expected = concat(EXAMPLE.response(), textFrame("hello, everyone"));
        assertEquals(hex(expected), hex(wires[0].written()));
        assertEquals(hex(expected), hex(wires[2].written()));
        assertEquals(hex(EXAMPLE.response()), hex(wires[1].written()));
        wires[1].setReady(true);
        cs[1].onWritable();
        assertEquals(hex(expected), hex(wires[1].written()), "the shared frame was not consumed by the others");

        cs[2].onEnd();
        assertEquals(2, group.openCount());
        assertEquals(2, cs[2].broadcast("second"));   // from a closed session: still reaches the open ones

        assertEquals(hex(concat(expected, textFrame("second"))), hex(wires[0].written()));
        assertEquals(hex(concat(expected, textFrame("second"))), hex(wires[1].written()));
        assertEquals(hex(expected), hex(wires[2].written()));
    }

    @Test
    void broadcastSkipsClosingSessionsAndCountsOnlyQueued() {
        FakeWire[] wires = new FakeWire[3];
        Connection[] cs = openEach(wires);
        cs[1].close();   // closing: still a connection of the group until the client answers, but accepts nothing
        assertEquals(Connection.State.CLOSE_SENT, cs[1].state());
        assertEquals(3, group.connectionCount());

        assertEquals(2, group.broadcast("x"));

        assertEquals(hex(concat(EXAMPLE.response(), textFrame("x"))), hex(wires[0].written()));
        assertEquals(hex(concat(EXAMPLE.response(), closeFrame())), hex(wires[1].written()));
        assertEquals(hex(concat(EXAMPLE.response(), textFrame("x"))), hex(wires[2].written()));
    }

    @Test
    void broadcastDisconnectsAPeerOverItsLimitAndDoesNotCountIt() {
        Limits small = limits(1 << 20, 8);
        Connection a = open(small);
        FakeWire fast = wire;
        Connection b = open(small);
        FakeWire slow = wire;
        Recorder slowApp = app;
        slow.setReady(false);

        assertEquals(2, group.broadcast("1234"));   // 6 bytes each
        assertEquals(1, group.broadcast("5678"));   // the slow one would hold 12 > 8

        assertEquals(hex(concat(EXAMPLE.response(), textFrame("1234"), textFrame("5678"))), hex(fast.written()));
        assertEquals(List.of("open", "error:outbound queue would exceed 8 bytes: the peer is not reading", "close"),
                slowApp.events());
        assertTrue(a.isOpen());
        assertFalse(b.isOpen());
        assertEquals(1, group.openCount());
        assertEquals(1, group.connectionCount());
    }
}
