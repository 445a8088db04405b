package io.github.hixie76.engine;

import static io.github.hixie76.engine.FakeWire.write;
import static io.github.hixie76.testing.Bytes.closeFrame;
import static io.github.hixie76.testing.Bytes.textFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded outbound queue of one connection, written to a {@link FakeWire}. */
class OutboundTest {

    private final FakeWire wire = new FakeWire();
    private final List<String> sent = new ArrayList<>();
    private final Counters counters = new Counters() {
        @Override
        public void sent(long bytes, boolean message) {
            sent.add(bytes + (message ? " message" : " own"));
        }
    };

    @AfterEach
    void wireKeptItsContract() {
        wire.assertNoViolations();
    }

    @Test
    void emptyQueueIsFlushed() {
        Outbound out = new Outbound(10);
        assertTrue(out.isFlushed());
        assertEquals(0, out.size());
        assertEquals(0, out.bytes());
    }

    @Test
    void offerTakesMessagesUpToTheLimitExactly() {
        Outbound out = new Outbound(10);

        assertTrue(out.offer(frame(6), new CompletableFuture<>()));
        assertTrue(out.offer(frame(4), new CompletableFuture<>()));   // 10: exactly the limit

        assertEquals(2, out.size());
        assertEquals(10, out.bytes());
        assertFalse(out.isFlushed());
    }

    @Test
    void offerOverTheLimitQueuesNothing() {
        Outbound out = new Outbound(10);
        out.offer(frame(6), null);

        assertFalse(out.offer(frame(5), new CompletableFuture<>()));

        assertEquals(1, out.size());
        assertEquals(6, out.bytes());
        assertTrue(out.offer(frame(4), null), "a smaller one still fits");
    }

    @Test
    void addIgnoresTheLimitAndCountsTowardsIt() {
        Outbound out = new Outbound(4);

        out.add(frame(16));
        out.add(ByteBuffer.wrap(closeFrame()));

        assertEquals(2, out.size());
        assertEquals(18, out.bytes());
        assertFalse(out.offer(frame(1), null), "the engine's own frames count towards the limit");
    }

    @Test
    void writeToStopsWhenTheWireIsNotReadyAndResumes() throws IOException {
        Outbound out = new Outbound(100);
        out.offer(ByteBuffer.wrap(textFrame("a")), null);
        out.offer(ByteBuffer.wrap(textFrame("bc")), null);
        out.offer(ByteBuffer.wrap(textFrame("d")), null);
        wire.stallAfterWrites(1);

        out.writeTo(wire, counters);

        assertEquals(List.of(write(textFrame("a"))), wire.log(), "no write and no flush once isReady() said false");
        assertEquals(2, out.size());
        assertEquals(7, out.bytes());
        assertFalse(out.isFlushed());

        out.writeTo(wire, counters);   // still not ready: nothing at all
        assertEquals(1, wire.log().size());

        wire.setReady(true);
        out.writeTo(wire, counters);

        assertEquals(List.of(write(textFrame("a")), write(textFrame("bc")), write(textFrame("d")), "flush"), wire.log());
        assertEquals(0, out.size());
        assertEquals(0, out.bytes());
        assertTrue(out.isFlushed());
        assertEquals(List.of("3 message", "4 message", "3 message"), sent);
    }

    @Test
    void flushOnlyOnceTheQueueIsEmpty() throws IOException {
        Outbound out = new Outbound(100);
        out.add(frame(3));
        out.add(frame(4));

        out.writeTo(wire, counters);
        out.writeTo(wire, counters);   // nothing left, nothing unflushed: no second flush

        assertEquals(List.of(write(new byte[3]), write(new byte[4]), "flush"), wire.log());
        assertEquals(List.of("3 own", "4 own"), sent);
    }

    @Test
    void flushThatFindsTheWireNotReadyWaitsForTheNextWriteTo() throws IOException {
        Outbound out = new Outbound(100);
        out.add(frame(3));
        wire.stallAfterWrites(1);   // the last frame fills the wire

        out.writeTo(wire, counters);
        assertEquals(0, out.size());
        assertFalse(out.isFlushed(), "written but not flushed");
        assertEquals(List.of(write(new byte[3])), wire.log());

        wire.setReady(true);
        out.writeTo(wire, counters);
        assertEquals(List.of(write(new byte[3]), "flush"), wire.log());
        assertTrue(out.isFlushed());
    }

    @Test
    void writeToReturnsTheFuturesOfMessagesOnlyInOrder() throws IOException {
        Outbound out = new Outbound(100);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        out.add(frame(16));                  // the digest: no future
        out.offer(frame(3), first);
        out.offer(frame(3), null);           // a broadcast: a message without a future
        out.add(ByteBuffer.wrap(closeFrame()));
        out.offer(frame(3), second);

        List<CompletableFuture<Void>> written = out.writeTo(wire, counters);

        assertEquals(2, written.size());
        assertSame(first, written.get(0));
        assertSame(second, written.get(1));
        assertFalse(first.isDone(), "the caller completes them, outside its lock");
        assertEquals(List.of("16 own", "3 message", "3 message", "2 own", "3 message"), sent);
        assertEquals(List.of(), out.writeTo(wire, counters));
    }

    @Test
    void failedWriteLeavesTheFrameQueuedAndClearReturnsItsFuture() {
        Outbound out = new Outbound(100);
        CompletableFuture<Void> done = new CompletableFuture<>();
        out.offer(frame(5), done);
        out.add(ByteBuffer.wrap(closeFrame()));
        IOException broken = new IOException("broken pipe");
        wire.failWrites(broken);

        assertSame(broken, assertThrows(IOException.class, () -> out.writeTo(wire, counters)));

        assertEquals(2, out.size());
        assertEquals(7, out.bytes());
        assertEquals(List.of(), sent);
        assertEquals(List.of(done), out.clear(), "only messages have futures");
        assertEquals(0, out.size());
        assertEquals(0, out.bytes());
        assertEquals(List.of(), out.clear());
    }

    @Test
    void clearFreesRoomUpToTheLimit() {
        Outbound out = new Outbound(10);
        out.offer(frame(10), null);
        out.clear();
        assertTrue(out.offer(frame(10), null));
    }

    private static ByteBuffer frame(int length) {
        return ByteBuffer.wrap(new byte[length]);
    }
}
