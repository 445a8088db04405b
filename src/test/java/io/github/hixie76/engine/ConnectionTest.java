package io.github.hixie76.engine;

import static io.github.hixie76.engine.FakeWire.write;
import static io.github.hixie76.testing.Bytes.concat;
import static io.github.hixie76.testing.Bytes.hex;
import static io.github.hixie76.testing.Bytes.textFrame;
import static io.github.hixie76.testing.Draft.EXAMPLE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Session;
import io.github.hixie76.protocol.OpeningHandshake;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The opening of a {@link Connection}: key3 and the 16 bytes (§5.2); then frames in and the callbacks they make. */
class ConnectionTest extends ConnectionFixture {

    @Test
    void fixtureIsTheDraftExample() {
        assertEquals(EXAMPLE.part1(),
                assertDoesNotThrow(() -> OpeningHandshake.keyPart("Sec-WebSocket-Key1", EXAMPLE.key1())));
        assertEquals(EXAMPLE.part2(),
                assertDoesNotThrow(() -> OpeningHandshake.keyPart("Sec-WebSocket-Key2", EXAMPLE.key2())));
        assertEquals(hex(EXAMPLE.response()),
                hex(OpeningHandshake.response(EXAMPLE.part1(), EXAMPLE.part2(), EXAMPLE.key3())));
    }

    // ---- key3 and the 16 bytes

    @Test
    void key3OneByteAtATimeThenResponseOnceThenOpen() {
        awaitingKey3();
        assertEquals(1, scheduler.pending(), "handshake timeout armed");
        assertEquals(Connection.State.AWAIT_KEY3, c.state());
        assertEquals(1, group.connectionCount());
        assertEquals(0, group.openCount());

        byte[] key3 = EXAMPLE.key3();
        for (int i = 0; i < key3.length - 1; i++) {
            c.onData(ByteBuffer.wrap(new byte[] {key3[i]}));
            assertEquals("", hex(wire.written()), "nothing before the 8th byte of key3 (byte " + i + ")");
            assertEquals(List.of(), app.events());
            assertFalse(c.isOpen());
        }
        c.onData(ByteBuffer.wrap(new byte[] {key3[key3.length - 1]}));

        assertEquals(hex(EXAMPLE.response()), hex(wire.written()));
        assertEquals(List.of(write(EXAMPLE.response()), "flush"), wire.log());
        assertEquals(List.of("open"), app.events());
        assertTrue(c.isOpen());
        assertEquals(Connection.State.OPEN, c.state());
        assertSame(Thread.currentThread(), app.threads().get(0));
        assertEquals(0, scheduler.pending(), "handshake timeout cancelled");
        assertEquals(1, group.openCount());
        assertEquals(1, group.connectionCount());

        // Later bytes are frames, not more key3, and do not answer again.
        c.onData(ByteBuffer.wrap(textFrame("hi")));
        assertEquals(hex(EXAMPLE.response()), hex(wire.written()));
        assertEquals(List.of("open", "message:hi"), app.events());
    }

    @Test
    void key3AndFirstFrameInOneBufferAnswerThenEcho() {
        awaitingKey3(new Recorder().onMessage(Session::send), LIMITS);

        c.onData(ByteBuffer.wrap(concat(EXAMPLE.key3(), textFrame("hi"))));

        assertEquals(hex(concat(EXAMPLE.response(), textFrame("hi"))), hex(wire.written()));
        assertEquals(List.of("open", "message:hi"), app.events());
        assertEquals(0, wire.closes());
    }

    @Test
    void key3SplitAcrossReadsWithFramesBehindIt() {
        awaitingKey3(new Recorder().onMessage(Session::send), LIMITS);
        byte[] stream = concat(EXAMPLE.key3(), textFrame("one"), textFrame("two"));

        c.onData(ByteBuffer.wrap(stream, 0, 5));
        c.onData(ByteBuffer.wrap(stream, 5, 6));   // 3 bytes of key3, then 00 'o' 'n'
        c.onData(ByteBuffer.wrap(stream, 11, stream.length - 11));

        assertEquals(hex(concat(EXAMPLE.response(), textFrame("one"), textFrame("two"))), hex(wire.written()));
        assertEquals(List.of("open", "message:one", "message:two"), app.events());
    }

    @Test
    void key3AsRequestBody() {
        connect(new Recorder().onMessage(Session::send), LIMITS);

        c.start(EXAMPLE.key3());

        assertEquals(hex(EXAMPLE.response()), hex(wire.written()));
        assertEquals(List.of("open"), app.events());
        assertTrue(c.isOpen());
        assertEquals(0, scheduler.pending(), "no handshake timeout once key3 is in");

        // The stream then carries frames only: these 8 bytes are not taken for key3.
        c.onData(ByteBuffer.wrap(concat(textFrame("abc"), textFrame("xyz"))));
        assertEquals(hex(concat(EXAMPLE.response(), textFrame("abc"), textFrame("xyz"))), hex(wire.written()));
        assertEquals(List.of("open", "message:abc", "message:xyz"), app.events());
    }

    @Test
    void responseWaitsForTheFirstWritePossible() {
        // a servlet container's isReady() may be false until the first onWritePossible
        connect(new Recorder(), LIMITS);
        wire.setReady(false);

        c.start(EXAMPLE.key3());
        assertEquals("", hex(wire.written()));
        assertTrue(wire.askedWhileNotReady());
        assertEquals(List.of("open"), app.events());

        wire.setReady(true);
        c.onWritable();
        assertEquals(List.of(write(EXAMPLE.response()), "flush"), wire.log());
    }

    // ---- frames in, callbacks out

    @Test
    void lengthPrefixedFfFrameWithPayloadIsNotAClose() {
        open();

        c.onData(ByteBuffer.wrap(concat(hex("FF 02 AA BB"), hex("80 00"), textFrame("still open"))));

        assertTrue(c.isOpen());
        assertEquals(List.of("open", "message:still open"), app.events());
        assertEquals(hex(EXAMPLE.response()), hex(wire.written()));
    }

    @Test
    void callbacksRunInOrder() {
        awaitingKey3();
        byte[] stream = concat(EXAMPLE.key3(), textFrame("one"), hex("01 DD FF"), textFrame("twö"), hex("81 01 00"),
                textFrame(""), textFrame("three"));

        for (int i = 0; i < stream.length; i += 3) {
            c.onData(ByteBuffer.wrap(stream, i, Math.min(3, stream.length - i)));
        }
        c.onEnd();

        assertEquals(List.of("open", "message:one", "message:twö", "message:", "message:three", "close"),
                app.events());
    }

    @Test
    void throwingOnMessageReportsAnErrorAndKeepsTheSession() {
        open(new Recorder().onMessage((session, text) -> {
            if (text.equals("bad")) {
                throw new IllegalStateException("application bug");
            }
            session.send("ok " + text);
        }));

        c.onData(ByteBuffer.wrap(concat(textFrame("bad"), textFrame("good"))));

        assertEquals(List.of("open", "message:bad", "error:application bug", "message:good"), app.events());
        assertInstanceOf(IllegalStateException.class, app.errors().get(0));
        assertTrue(c.isOpen());
        assertEquals(hex(concat(EXAMPLE.response(), textFrame("ok good"))), hex(wire.written()));
        assertEquals(0, wire.closes());

        c.onData(ByteBuffer.wrap(textFrame("again")));
        assertEquals("message:again", app.events().get(4));
    }

    @Test
    void throwingOnOpenReportsAnErrorAndKeepsTheSession() {
        connect(new Recorder().onOpen(session -> {
            throw new IllegalStateException("open failed");
        }), LIMITS);

        c.start(EXAMPLE.key3());
        c.onData(ByteBuffer.wrap(textFrame("x")));

        assertEquals(List.of("open", "error:open failed", "message:x"), app.events());
        assertEquals(hex(EXAMPLE.response()), hex(wire.written()));
        assertTrue(c.isOpen());
    }
}
