package io.github.hixie76.protocol;

import static io.github.hixie76.testing.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Draft §4.2/§5.3 framing as written, and read back by {@link FrameDecoder}. */
class FrameEncoderTest {

    /** A limit just above 2^21, so that 2^21 passes and the limit itself is a length of its own. */
    private static final int LIMIT = (1 << 21) + 5;

    /** The readable bytes of a buffer, without consuming them; checks it starts at 0. */
    private static byte[] bytes(ByteBuffer buffer) {
        assertEquals(0, buffer.position(), "buffer ready to read");
        return Bytes.bytes(buffer);
    }

    /** The concatenation of the readable bytes of several buffers. */
    private static byte[] concat(ByteBuffer... buffers) {
        return Bytes.concat(Arrays.stream(buffers).map(Bytes::bytes).toArray(byte[][]::new));
    }

    // ---- exact bytes ----

    @Test
    void emptyText() {
        assertArrayEquals(hex("00 ff"), bytes(FrameEncoder.text("")));
    }

    @Test
    void asciiText() {
        assertArrayEquals(hex(
                "00",                   // text
                "68 65 6c 6c 6f",       // "hello"
                "ff"),                  // end
                bytes(FrameEncoder.text("hello")));
    }

    @Test
    void multiByteText() {
        assertArrayEquals(hex(
                "00",                   // text
                "c3 a9",                // U+00E9
                "f0 9f 98 80",          // U+1F600, from a surrogate pair
                "ff"),                  // end
                bytes(FrameEncoder.text("\u00e9\uD83D\uDE00")));
    }

    @Test
    void unpairedSurrogateBecomesQuestionMark() {
        assertArrayEquals(hex(
                "00",                   // text
                "61 3f 62",             // 'a', '?' for the lone U+D800, 'b'
                "ff"),                  // end
                bytes(FrameEncoder.text("a\uD800b")));
    }

    @Test
    void close() {
        assertArrayEquals(hex("ff 00"), bytes(FrameEncoder.close()));
    }

    @ParameterizedTest(name = "length {0} -> {1}")
    @CsvSource({
        "0,        00",             // one group
        "127,      7f",             // largest one-group length
        "128,      81 00",          // 1*128 + 0
        "16383,    ff 7f",          // 127*128 + 127, largest two-group length
        "16384,    81 80 00",       // 1*128^2
        "2097152,  81 80 80 00",    // 2^21 = 1*128^3
    })
    void lengthPrefixedLengthBytes(int length, String lengthHex) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 0xFF);
        byte[] frame = bytes(FrameEncoder.lengthPrefixed(0x80, payload));
        byte[] header = hex("80", lengthHex);
        assertEquals(header.length + length, frame.length);
        assertArrayEquals(header, Arrays.copyOf(frame, header.length));
        assertArrayEquals(payload, Arrays.copyOfRange(frame, header.length, frame.length));
    }

    @Test
    void lengthPrefixedKeepsTypeAndPayload() {
        assertArrayEquals(hex(
                "c5",                   // type 0xC5
                "03",                   // length 3
                "00 ff 7f"),            // payload as given
                bytes(FrameEncoder.lengthPrefixed(0xC5, hex("00 ff 7f"))));
    }

    @Test
    void lengthGroupsOfLargeLengths() {
        assertArrayEquals(hex("81 80 80 80 00"), FrameEncoder.lengthGroups(1L << 28));
        assertArrayEquals(hex("ff ff ff ff ff ff ff ff 7f"), FrameEncoder.lengthGroups(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x7F, -1, 0x100})
    void illegalFrameTypesAreRejected(int frameType) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.lengthPrefixed(frameType, new byte[1]));
        assertEquals("length-prefixed frame types are 0x80-0xFF, got " + frameType, e.getMessage());
    }

    // ---- round trips ----

    /** Decodes {@code input} in chunks of {@code chunk} bytes (0: all at once) with a limit of {@link #LIMIT}. */
    private static List<String> decodeInChunks(byte[] input, int chunk) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(LIMIT);
        FrameDecoderTest.RecordingSink sink = new FrameDecoderTest.RecordingSink();
        int step = chunk == 0 ? Math.max(1, input.length) : chunk;
        for (int offset = 0; offset < input.length; offset += step) {
            decoder.decode(ByteBuffer.wrap(input, offset, Math.min(step, input.length - offset)), sink);
        }
        return sink.events;
    }

    private static void assertRoundTrip(byte[] input, String... expected) throws ProtocolException {
        for (int chunk : new int[] {0, 1, 7, 4096}) {
            assertEquals(List.of(expected), decodeInChunks(input, chunk), "chunks of " + chunk);
        }
    }

    /** ASCII text of exactly {@code length} bytes. */
    private static String ascii(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + i % 26));
        }
        return s.toString();
    }

    /** Text of 1-, 2-, 3- and 4-byte characters, as long as fits in {@code maxBytes} UTF-8 bytes. */
    private static String multiByte(int maxBytes) {
        String[] characters = {"a", "\u00e9", "\u20ac", "\uD83D\uDE00"};   // 1, 2, 3, 4 bytes
        StringBuilder s = new StringBuilder();
        int bytes = 0;
        for (int i = 0; ; i++) {
            String c = characters[i % characters.length];
            int size = c.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                return s.toString();
            }
            s.append(c);
            bytes += size;
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 127, 128, 16383, 16384, 1 << 21, LIMIT})
    void asciiTextRoundTrip(int length) throws ProtocolException {
        String text = ascii(length);
        assertRoundTrip(bytes(FrameEncoder.text(text)), "text:" + text);
    }

    @ParameterizedTest(name = "up to {0} bytes")
    @ValueSource(ints = {0, 127, 128, 16383, 16384, 1 << 21, LIMIT})
    void multiByteTextRoundTrip(int length) throws ProtocolException {
        String text = multiByte(length);
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(size <= length && size > length - 4, size + " bytes");   // at most one character short
        assertRoundTrip(bytes(FrameEncoder.text(text)), "text:" + text);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 127, 128, 16383, 16384, 1 << 21, LIMIT})
    void lengthPrefixedRoundTrip(int length) throws ProtocolException {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i % 3 == 0 ? 0xFF : i % 3 == 1 ? 0x00 : i);    // FF and 00 everywhere
        }
        byte[] input = concat(
                FrameEncoder.lengthPrefixed(0x80, payload),     // discarded
                FrameEncoder.text("after"),                      // must start exactly after the payload
                FrameEncoder.close());
        assertRoundTrip(input, "discarded:0x80:" + length, "text:after", "close");
    }

    @Test
    void textOneOverTheLimitFails() {
        byte[] input = bytes(FrameEncoder.text(ascii(LIMIT + 1)));
        for (int chunk : new int[] {0, 4096}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> decodeInChunks(input, chunk));
            assertEquals("frame of type 0x0 exceeds the limit of 2097157 bytes", e.getMessage());
        }
    }

    @Test
    void lengthPrefixedOneOverTheLimitFails() {
        byte[] input = bytes(FrameEncoder.lengthPrefixed(0x80, new byte[LIMIT + 1]));
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeInChunks(input, 1));
        assertEquals("frame of type 0x80 exceeds the limit of 2097157 bytes", e.getMessage());
    }

    @Test
    void manyFramesRoundTrip() throws ProtocolException {
        List<ByteBuffer> frames = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int length : new int[] {0, 1, 127, 128, 9000, 16383, 16384, 3}) {
            String text = multiByte(length);
            frames.add(FrameEncoder.text(text));
            expected.add("text:" + text);
            frames.add(FrameEncoder.lengthPrefixed(0xFE, new byte[length]));
            expected.add("discarded:0xfe:" + length);
        }
        frames.add(FrameEncoder.close());
        expected.add("close");
        byte[] input = concat(frames.toArray(ByteBuffer[]::new));
        assertRoundTrip(input, expected.toArray(String[]::new));
    }
}
