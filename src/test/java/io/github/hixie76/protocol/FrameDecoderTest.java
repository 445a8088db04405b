package io.github.hixie76.protocol;

import static io.github.hixie76.testing.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Draft §5.3: the server's reading of frames, fed as the network would, in any split. */
class FrameDecoderTest {

    private static final int LIMIT = 64 * 1024;

    /** Records each event as one string: "text:hello", "close", "discarded:0x80:3". */
    static final class RecordingSink implements FrameSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void onText(String text) {
            events.add("text:" + text);
        }

        @Override
        public void onCloseFrame() {
            events.add("close");
        }

        @Override
        public void onDiscarded(int frameType, long length) {
            events.add("discarded:0x" + Integer.toHexString(frameType) + ":" + length);
        }
    }

    /** Feeds {@code buffers} in order to a fresh decoder; each must be consumed entirely. */
    static List<String> decode(int limit, ByteBuffer... buffers) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(limit);
        RecordingSink sink = new RecordingSink();
        for (ByteBuffer buffer : buffers) {
            decoder.decode(buffer, sink);
            assertFalse(buffer.hasRemaining(), "decode left bytes in the buffer");
        }
        return sink.events;
    }

    /**
     * Asserts that {@code input} gives {@code expected} however it arrives: whole (from an array,
     * from an array slice at an offset, from a direct buffer), split in two at every byte boundary,
     * and one byte at a time.
     */
    static void assertDecodes(int limit, byte[] input, String... expected) throws ProtocolException {
        List<String> events = List.of(expected);
        int n = input.length;
        assertEquals(events, decode(limit, ByteBuffer.wrap(input)), "whole");

        byte[] padded = new byte[n + 6];
        System.arraycopy(input, 0, padded, 3, n);
        assertEquals(events, decode(limit, ByteBuffer.wrap(padded, 3, n).slice()), "whole, array offset 3");

        ByteBuffer direct = ByteBuffer.allocateDirect(n).put(input).flip();
        assertEquals(events, decode(limit, direct), "whole, direct buffer");

        for (int i = 0; i <= n; i++) {
            assertEquals(events, decode(limit, ByteBuffer.wrap(input, 0, i), ByteBuffer.wrap(input, i, n - i)),
                    "split at " + i);
        }

        ByteBuffer[] single = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            single[i] = ByteBuffer.wrap(input, i, 1);
        }
        assertEquals(events, decode(limit, single), "one byte at a time");
    }

    static void assertDecodes(byte[] input, String... expected) throws ProtocolException {
        assertDecodes(LIMIT, input, expected);
    }

    private static void assertLimitExceeded(String message, FrameDecoder decoder, byte[] input) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> decoder.decode(ByteBuffer.wrap(input), new RecordingSink()));
        assertEquals(message, e.getMessage());
        assertTrue(decoder.isClosed(), "closed after the error");
    }

    // ---- frame forms ----

    @Test
    void textFrame() throws ProtocolException {
        assertDecodes(hex(
                "00",               // type 0x00: text
                "68 65 6c 6c 6f",   // "hello"
                "ff"),              // end
                "text:hello");
    }

    @Test
    void emptyTextFrame() throws ProtocolException {
        assertDecodes(hex(
                "00 ff"),           // text, no payload
                "text:");
    }

    @Test
    void multiByteUtf8() throws ProtocolException {
        assertDecodes(hex(
                "00",               // text
                "c3 a9",            // U+00E9 (2 bytes)
                "e2 82 ac",         // U+20AC (3 bytes)
                "f0 9f 98 80",      // U+1F600 (4 bytes, a surrogate pair in Java)
                "ff"),              // end
                "text:\u00e9\u20ac\uD83D\uDE00");
    }

    @Test
    void whitespaceAndNulArePayload() throws ProtocolException {
        assertDecodes(hex(
                "00",               // text
                "20 00 09 61 0a",   // ' ', NUL, TAB, 'a', LF: all kept
                "ff"),              // end
                "text: \u0000\ta\n");
    }

    @Test
    void otherLowTypesAreDiscarded() throws ProtocolException {
        assertDecodes(hex(
                "01 61 62 63 ff",   // type 0x01, 3 bytes: discarded
                "7f ff",            // type 0x7F, empty: discarded
                "00 6f 6b ff"),     // text "ok"
                "discarded:0x1:3", "discarded:0x7f:0", "text:ok");
    }

    @Test
    void lengthPrefixedOneGroup() throws ProtocolException {
        assertDecodes(hex(
                "80 03",            // type 0x80, length 3
                "ff 00 ff",         // payload: looks like close and end, is neither
                "00 6f 6b ff"),     // text "ok"
                "discarded:0x80:3", "text:ok");
    }

    @Test
    void lengthPrefixedTwoGroups() throws ProtocolException {
        assertDecodes(hex(
                "9a 81 01",                     // type 0x9A, length 1*128 + 1 = 129
                "00 ff".repeat(64) + "ff",      // payload: 129 bytes of 00/ff
                "00 6f 6b ff"),                 // text "ok"
                "discarded:0x9a:129", "text:ok");
    }

    @Test
    void lengthPrefixedThreeGroups() throws ProtocolException {
        assertDecodes(hex(
                "fe 81 80 01",                  // type 0xFE, length 1*16384 + 0*128 + 1 = 16385
                "ff 00".repeat(8192) + "00",    // payload: 16385 bytes of ff/00
                "00 6f 6b ff"),                 // text "ok"
                "discarded:0xfe:16385", "text:ok");
    }

    @Test
    void lengthWithLeadingZeroGroups() throws ProtocolException {
        assertDecodes(hex(
                "80 80 80 02",      // type 0x80, length 0*16384 + 0*128 + 2 (not minimal, still legal)
                "ff 00",            // payload
                "00 6f 6b ff"),     // text "ok"
                "discarded:0x80:2", "text:ok");
    }

    @Test
    void lengthPrefixedEmpty() throws ProtocolException {
        assertDecodes(hex(
                "80 00",            // type 0x80, length 0
                "00 6f 6b ff"),     // text "ok"
                "discarded:0x80:0", "text:ok");
    }

    @Test
    void closeIgnoresEverythingAfterIt() throws ProtocolException {
        assertDecodes(hex(
                "ff 00",            // closing handshake
                "00 68 69 ff",      // text "hi": ignored
                "ff 00",            // a second close: ignored
                "00 61 62 63"),     // an unterminated text frame: ignored
                "close");
    }

    @Test
    void afterCloseNotEvenTheLimitApplies() throws ProtocolException {
        assertDecodes(4, hex(
                "00 ff",                    // text ""
                "ff 00",                    // closing handshake
                "00 61 62 63 64 65 66",     // 6 bytes of text over a limit of 4: ignored
                "80 7f"),                   // a length over the limit: ignored
                "text:", "close");
    }

    @Test
    void typeFfWithNonZeroLengthIsNotAClose() throws ProtocolException {
        assertDecodes(hex(
                "ff 02 aa bb",      // type 0xFF, length 2: discarded
                "00 6f 6b ff"),     // text "ok"
                "discarded:0xff:2", "text:ok");
    }

    @Test
    void closeWithLengthInTwoGroups() throws ProtocolException {
        assertDecodes(hex(
                "ff 80 00",         // type 0xFF, length 0 in two groups: close
                "00 68 69 ff"),     // text "hi": ignored
                "close");
    }

    @Test
    void severalFramesInOneBuffer() throws ProtocolException {
        assertDecodes(hex(
                "00 61 ff",         // text "a"
                "80 01 ff",         // type 0x80, 1 byte: discarded
                "00 ff",            // text ""
                "05 ff",            // type 0x05, empty: discarded
                "00 62 63 ff",      // text "bc"
                "ff 00"),           // close
                "text:a", "discarded:0x80:1", "text:", "discarded:0x5:0", "text:bc", "close");
    }

    @Test
    void emptyInputReportsNothing() throws ProtocolException {
        assertDecodes(new byte[0]);
    }

    // ---- limits ----

    @Test
    void textFrameOfExactlyTheLimit() throws ProtocolException {
        assertDecodes(8, hex(
                "00",                           // text
                "61 62 63 64 65 66 67 68",      // 8 bytes = the limit
                "ff"),                          // end
                "text:abcdefgh");
    }

    @Test
    void textFrameOneOverTheLimit() {
        assertLimitExceeded("frame of type 0x0 exceeds the limit of 8 bytes", new FrameDecoder(8), hex(
                "00",                           // text
                "61 62 63 64 65 66 67 68 69",   // 9 bytes
                "ff"));                         // end
    }

    @Test
    void unterminatedTextFrameFailsAsSoonAsTheLimitIsPassed() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(8);
        RecordingSink sink = new RecordingSink();
        byte[] input = hex(
                "00",                           // text
                "61 62 63 64 65 66 67 68",      // 8 bytes: still legal
                "69");                          // the 9th byte; no 0xFF ever
        for (int offset = 0; offset < 9; offset += 3) {
            decoder.decode(ByteBuffer.wrap(input, offset, 3), sink);    // 3 bytes at a time
        }
        assertFalse(decoder.isClosed());
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> decoder.decode(ByteBuffer.wrap(input, 9, 1), sink));
        assertEquals("frame of type 0x0 exceeds the limit of 8 bytes", e.getMessage());
        assertTrue(decoder.isClosed());
        assertEquals(List.of(), sink.events);
    }

    @Test
    void bufferOfAnUnendingTextFrameStaysWithinTheLimit() throws ProtocolException {
        for (int limit : new int[] {0, 1, 255, 256, 257, 9000}) {
            FrameDecoder decoder = new FrameDecoder(limit);
            RecordingSink sink = new RecordingSink();
            decoder.decode(ByteBuffer.wrap(hex("00")), sink);           // text, never ended
            for (int i = 0; i < limit; i++) {
                decoder.decode(ByteBuffer.wrap(hex("61")), sink);       // one payload byte per call
                assertTrue(decoder.bufferCapacity() <= limit,
                        "limit " + limit + ": " + decoder.bufferCapacity() + " bytes held after " + (i + 1));
            }
            assertThrows(ProtocolException.class, () -> decoder.decode(ByteBuffer.wrap(hex("61")), sink));
        }
    }

    @Test
    void largeMessageLeavesNoLargeBufferBehind() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        byte[] payload = new byte[LIMIT];
        Arrays.fill(payload, (byte) 'a');
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(hex("00")), sink);
        decoder.decode(ByteBuffer.wrap(payload), sink);                 // buffered: the frame is open
        assertTrue(decoder.bufferCapacity() > 8 * 1024, "the open frame is buffered");
        decoder.decode(ByteBuffer.wrap(hex("ff")), sink);
        assertEquals(1, sink.events.size());
        assertTrue(decoder.bufferCapacity() <= 8 * 1024, decoder.bufferCapacity() + " bytes kept after the message");
    }

    @Test
    void unterminatedTextFrameInOneBufferFails() {
        assertLimitExceeded("frame of type 0x0 exceeds the limit of 8 bytes", new FrameDecoder(8), hex(
                "00",                           // text
                "61 62 63 64 65 66 67 68 69"));  // 9 bytes, no end
    }

    @Test
    void discardedLowTypeFrameIsLimitedToo() {
        assertLimitExceeded("frame of type 0x1 exceeds the limit of 8 bytes", new FrameDecoder(8), hex(
                "01",                           // type 0x01
                "61 62 63 64 65 66 67 68 69"));  // 9 bytes
    }

    @Test
    void lengthPrefixedFrameOfExactlyTheLimit() throws ProtocolException {
        assertDecodes(8, hex(
                "80 08",                        // type 0x80, length 8 = the limit
                "ff ff ff ff 00 00 00 00"),     // payload
                "discarded:0x80:8");
    }

    @Test
    void lengthOverTheLimitFailsBeforeThePayload() {
        assertLimitExceeded("frame of type 0x80 exceeds the limit of 8 bytes", new FrameDecoder(8), hex(
                "80 09"));                      // type 0x80, length 9: no payload needed to fail
    }

    @Test
    void endlessLengthFieldFailsWhileReadingTheGroups() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder((1 << 21) + 5);
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(hex("80")), sink);     // type 0x80
        int groups = 0;
        ProtocolException error = null;
        while (error == null && groups < 10) {
            groups++;
            try {
                decoder.decode(ByteBuffer.wrap(hex("ff")), sink);     // one more "continue" group
            } catch (ProtocolException e) {
                error = e;
            }
        }
        assertEquals("frame of type 0x80 exceeds the limit of 2097157 bytes",
                error == null ? "no error after 10 groups" : error.getMessage());
        assertEquals(4, groups);    // 3 groups: 2^21 - 1, still legal; 4 groups: 2^28 - 1
        assertTrue(decoder.isClosed());
    }

    @Test
    void limitZeroAllowsOnlyEmptyFrames() throws ProtocolException {
        assertDecodes(0, hex(
                "00 ff",            // text ""
                "80 00",            // type 0x80, empty
                "ff 00"),           // close
                "text:", "discarded:0x80:0", "close");
        assertLimitExceeded("frame of type 0x0 exceeds the limit of 0 bytes", new FrameDecoder(0), hex("00 61 ff"));
    }

    @Test
    void decoderStaysClosedAfterAnError() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(2);
        assertLimitExceeded("frame of type 0x0 exceeds the limit of 2 bytes", decoder, hex("00 61 62 63"));
        RecordingSink sink = new RecordingSink();
        ByteBuffer more = ByteBuffer.wrap(hex(
                "00 6f 6b ff",      // text "ok": not reported
                "ff 00"));          // close: not reported
        decoder.decode(more, sink);
        assertEquals(List.of(), sink.events);
        assertFalse(more.hasRemaining());
        assertTrue(decoder.isClosed());
        assertEquals("FrameDecoder[CLOSED]", decoder.toString());
    }

    @Test
    void negativeLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(-1));
        assertEquals("maxFrameSize must be >= 0, got -1", e.getMessage());
    }

    // ---- invalid UTF-8: each malformed sequence becomes U+FFFD, the message is delivered ----

    @Test
    void invalidContinuation() throws ProtocolException {
        assertDecodes(hex(
                "00 c3 28 ff",      // C3 needs a continuation byte, 28 is '('
                "00 6f 6b ff"),     // text "ok" still follows
                "text:\uFFFD(", "text:ok");
    }

    @Test
    void loneContinuationByte() throws ProtocolException {
        assertDecodes(hex(
                "00 61 80 62 ff"),  // 'a', a lone continuation byte, 'b'
                "text:a\uFFFDb");
    }

    @Test
    void overlongEncoding() throws ProtocolException {
        assertDecodes(hex(
                "00 c0 af ff"),     // '/' encoded in 2 bytes: C0 is never valid, AF is then alone
                "text:\uFFFD\uFFFD");
    }

    @Test
    void encodedSurrogate() throws ProtocolException {
        assertDecodes(hex(
                "00 ed a0 80 ff"),  // U+D800 encoded as UTF-8
                "text:\uFFFD");
    }

    @Test
    void truncatedSequenceAtTheEndOfTheFrame() throws ProtocolException {
        assertDecodes(hex(
                "00 e2 82 ff",      // the first 2 of the 3 bytes of U+20AC
                "00 e2 82 ac ff"),  // the whole U+20AC
                "text:\uFFFD", "text:\u20ac");
    }

    // ---- toString ----

    @Test
    void toStringShowsTheState() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        RecordingSink sink = new RecordingSink();
        assertEquals("FrameDecoder[FRAME_TYPE]", decoder.toString());
        decoder.decode(ByteBuffer.wrap(hex("00 61 62")), sink);     // text "ab", unterminated
        assertEquals("FrameDecoder[DELIMITED, type 0x0, count 2]", decoder.toString());
        decoder.decode(ByteBuffer.wrap(hex("ff 80 81")), sink);     // end; type 0x80, first length group
        assertEquals("FrameDecoder[LENGTH, type 0x80, count 1]", decoder.toString());
        decoder.decode(ByteBuffer.wrap(hex("00 aa")), sink);        // length 128; 1 payload byte
        assertEquals("FrameDecoder[SKIP, type 0x80, count 127]", decoder.toString());
        decoder.decode(ByteBuffer.wrap(new byte[127]), sink);       // rest of the payload
        assertEquals("FrameDecoder[FRAME_TYPE]", decoder.toString());
        decoder.decode(ByteBuffer.wrap(hex("ff 00")), sink);        // close
        assertEquals("FrameDecoder[CLOSED]", decoder.toString());
        assertEquals(List.of("text:ab", "discarded:0x80:128", "close"), sink.events);
    }
}
