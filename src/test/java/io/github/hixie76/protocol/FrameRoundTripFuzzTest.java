package io.github.hixie76.protocol;

import static io.github.hixie76.testing.Bytes.bytes;
import static io.github.hixie76.testing.Bytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided round trips through {@link FrameEncoder} and {@link FrameDecoder} (draft §5.3):
 * {@code text(s)} decoded, at any chunking, gives {@code s} back, with the limit set to exactly
 * its payload (one byte less must fail); so does a stream of text, a length-prefixed frame
 * and the closing handshake; and the 7-bit length groups of any length read back as that length.
 *
 * <p>Input layout:
 * <pre>
 *   byte 0     the chunk size the frames are fed in (0: whole)
 *   byte 1     how the rest becomes the string: even, UTF-16BE code units (any char, lone
 *              surrogates too); odd, one character or surrogate from a fixed list per byte
 *   the rest   the string's source; its first 8 bytes are also a length for the length groups
 * </pre>
 * A well-formed string must come back unchanged; one with unpaired surrogates comes back with
 * each of them as '?', as {@link FrameEncoder#text} documents.
 */
class FrameRoundTripFuzzTest {

    private static final String[] ALPHABET = {
        "a", "\u0000", "\u007f", "\u0080", "\u00e9", "\u07ff", "\u0800", "\u20ac", "\ufffd", "\uffff",
        "\ud83d\ude00", "\udbff\udfff", "\ud800", "\udc00", " ", "\u00ff",
    };
    @RegisterExtension
    static final FuzzExecutions EXECUTIONS = new FuzzExecutions("FrameRoundTripFuzzTest.roundTrip");

    @FuzzTest(maxDuration = "10s")
    void roundTrip(byte[] input) throws ProtocolException {
        EXECUTIONS.count();
        int chunkSize = input.length > 0 ? input[0] & 0xFF : 0;
        boolean fromAlphabet = input.length > 1 && (input[1] & 1) == 1;
        byte[] source = Arrays.copyOfRange(input, Math.min(2, input.length), input.length);
        String text = fromAlphabet ? fromAlphabet(source) : fromUtf16(source);
        String expected = withUnpairedSurrogatesAsQuestionMarks(text);

        byte[] frame = bytes(FrameEncoder.text(text));
        int payload = frame.length - 2;
        assertEquals(0x00, frame[0], "type byte");
        assertEquals((byte) 0xFF, frame[frame.length - 1], "end byte");
        assertEquals(expected, new String(frame, 1, payload, StandardCharsets.UTF_8), "payload");

        assertEquals(List.of("text:" + expected), decode(payload, chunkSize, frame), "round trip");
        if (payload > 0) {
            assertThrows(ProtocolException.class, () -> decode(payload - 1, chunkSize, frame),
                    "a limit one byte below the payload");
        }

        int type = 0x80 | (chunkSize & 0x7F);
        byte[] binary = Arrays.copyOf(frame, Math.min(frame.length, 300));
        byte[] stream = concat(frame, bytes(FrameEncoder.lengthPrefixed(type, binary)), bytes(FrameEncoder.close()),
                frame);
        assertEquals(List.of("text:" + expected, "discarded:0x" + Integer.toHexString(type) + ":" + binary.length, "close"),
                decode(Math.max(payload, binary.length), chunkSize, stream), "text, length-prefixed, close");

        checkLengthGroups(source);
    }

    /** Groups most significant first, high bit on all but the last, no leading empty group. */
    private static void checkLengthGroups(byte[] source) {
        long length = 0;
        for (int i = 0; i < Math.min(8, source.length); i++) {
            length = length << 8 | (source[i] & 0xFF);
        }
        length &= Long.MAX_VALUE;
        byte[] groups = FrameEncoder.lengthGroups(length);
        assertTrue(groups.length >= 1 && groups.length <= 9, groups.length + " groups for " + length);
        assertTrue(groups.length == 1 || (groups[0] & 0xFF) != 0x80, "leading empty group for " + length);
        long read = 0;
        for (int i = 0; i < groups.length; i++) {
            assertEquals(i < groups.length - 1, (groups[i] & 0x80) != 0, "continuation bit of group " + i);
            read = read << 7 | (groups[i] & 0x7F);
        }
        assertEquals(length, read, "length read back from its groups");
    }

    private static List<String> decode(int limit, int chunkSize, byte[] stream) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(limit);
        EventSink sink = new EventSink();
        int step = chunkSize == 0 ? Math.max(1, stream.length) : chunkSize;
        for (int offset = 0; offset < stream.length; offset += step) {
            ByteBuffer chunk = ByteBuffer.wrap(stream, offset, Math.min(step, stream.length - offset));
            decoder.decode(chunk, sink);
            assertEquals(0, chunk.remaining(), "decode left bytes in the buffer");
        }
        return sink.events;
    }

    private static String fromUtf16(byte[] source) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i + 1 < source.length; i += 2) {
            s.append((char) ((source[i] & 0xFF) << 8 | (source[i + 1] & 0xFF)));
        }
        return s.toString();
    }

    private static String fromAlphabet(byte[] source) {
        StringBuilder s = new StringBuilder();
        for (byte b : source) {
            s.append(ALPHABET[(b & 0xFF) % ALPHABET.length]);
        }
        return s.toString();
    }

    private static String withUnpairedSurrogatesAsQuestionMarks(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '?' : c);
            }
        }
        return out.toString();
    }
}
