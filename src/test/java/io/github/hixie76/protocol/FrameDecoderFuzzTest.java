package io.github.hixie76.protocol;

import static io.github.hixie76.testing.Bytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder} (draft §5.3): arbitrary bytes, split into
 * arbitrary chunks of arbitrary buffer kinds, under an arbitrary limit of 0..4096 bytes.
 *
 * <p>Input layout (the committed inputs under {@code FrameDecoderFuzzTestInputs/decode} follow it):
 * <pre>
 *   byte 0-1   limit, big-endian, modulo 4097
 *   byte 2     n, the number of chunk bytes that follow
 *   n bytes    one chunk each: low 6 bits the size (0 = an empty buffer, 63 = all that is left),
 *              high 2 bits the buffer: 0 heap, 1 heap slice at an array offset, 2 direct, 3 read-only
 *   the rest   the byte stream; what the chunks leave is fed as one last heap buffer
 * </pre>
 *
 * <p>Checks, against {@link FrameModel}: the events and the error are those the rules give,
 * whole and chunked alike (differential); each event is reported by the call that fed its last
 * byte, and the error by the call that fed the first byte past the limit; nothing follows
 * {@code onClose}; every buffer is consumed.
 *
 * <p>Memory: after every call the bytes the decoder holds ({@link FrameDecoder#bufferCapacity},
 * what it allocated, not a heap estimate) are within the limit. So that each input also reaches
 * the limit, the stream is extended until a frame goes over it: a delimited frame that never
 * ends, of which the decoder must accept exactly {@code limit} payload bytes and fail on the
 * next, or length groups that pass the limit.
 */
class FrameDecoderFuzzTest {

    private static final int MAX_LIMIT = 4096;
    private static final byte FILLER = 'A';
    private static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(64 * 1024);
    @RegisterExtension
    static final FuzzExecutions EXECUTIONS = new FuzzExecutions("FrameDecoderFuzzTest.decode");

    private record Chunk(int offset, int length, int kind) {
        int end() {
            return offset + length;
        }
    }

    /** What one feeding produced. */
    private record Outcome(List<String> events, String error, boolean closed) {
    }

    @DictionaryFile(resourcePath = "FrameDecoderFuzzTest.dict")
    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        EXECUTIONS.count();
        int limit = ((at(input, 0) << 8) | at(input, 1)) % (MAX_LIMIT + 1);
        int controls = Math.min(at(input, 2), Math.max(0, input.length - 3));
        byte[] stream = Arrays.copyOfRange(input, Math.min(input.length, 3 + controls), input.length);

        FrameModel model = FrameModel.of(stream, limit);

        List<Chunk> chunks = chunks(input, controls, stream.length);
        byte[] tail = unterminatedTail(model, limit, stream, chunks);
        byte[] all = concat(stream, tail);
        FrameModel extended = FrameModel.of(all, limit);
        if (tail.length > 0) {
            // The stream now ends in a delimited frame one byte longer than the limit (or in a
            // length that exceeds it): the last byte fed must be the one that fails it.
            assertEquals(FrameModel.End.FAILED, extended.end, "the extended stream must fail");
            assertEquals(all.length - 1, extended.failAt, "failure offset of the extended stream");
        }

        Outcome whole = feed(all, limit, List.of(new Chunk(0, all.length, 0)), extended);
        Outcome chunked = feed(all, limit, chunks, extended);
        assertEquals(whole, chunked, "whole and chunked decoding differ");
    }

    /** Feeds {@code chunks} of {@code all} to a fresh decoder, checking each call against the model. */
    private static Outcome feed(byte[] all, int limit, List<Chunk> chunks, FrameModel model) {
        FrameDecoder decoder = new FrameDecoder(limit);
        EventSink sink = new EventSink();
        String error = null;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            ByteBuffer buffer = buffer(all, chunk);
            try {
                decoder.decode(buffer, sink);
                assertFalse(buffer.hasRemaining(), "decode left bytes in the buffer");
            } catch (ProtocolException e) {
                assertNull(error, "a second ProtocolException after the decoder closed");
                error = e.getMessage();
                assertTrue(model.failAt >= chunk.offset() && model.failAt < chunk.end(),
                        "ProtocolException fed bytes " + chunk.offset() + ".." + chunk.end()
                                + " but the limit is first exceeded at " + model.failAt + " (" + decoder + ")");
            }
            scrub(buffer, chunk);
            assertTrue(decoder.bufferCapacity() <= limit,
                    "the decoder holds " + decoder.bufferCapacity() + " bytes, over the limit of " + limit);
            assertNull(sink.afterClose, "an event after onClose");
            if (error == null) {
                assertEquals(model.eventsBefore(chunk.end()), sink.events,
                        "events after feeding bytes 0.." + chunk.end() + " (" + decoder + ")");
            }
        }
        assertEquals(model.events, sink.events, "events of the whole stream");
        if (model.end == FrameModel.End.FAILED) {
            assertEquals(FrameModel.limitMessage(model.failedType, limit), error, "limit error");
        } else {
            assertNull(error, "no ProtocolException expected");
        }
        boolean closed = model.end == FrameModel.End.CLOSED || model.end == FrameModel.End.FAILED;
        assertEquals(closed, decoder.isClosed(), "isClosed() (" + decoder + ")");
        return new Outcome(sink.events, error, decoder.isClosed());
    }

    private static List<Chunk> chunks(byte[] input, int controls, int streamLength) {
        List<Chunk> chunks = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < controls; i++) {
            int control = at(input, 3 + i);
            int size = (control & 0x3F) == 0x3F ? streamLength - offset : Math.min(control & 0x3F, streamLength - offset);
            chunks.add(new Chunk(offset, size, control >>> 6));
            offset += size;
        }
        if (offset < streamLength || chunks.isEmpty()) {
            chunks.add(new Chunk(offset, streamLength - offset, 0));
        }
        return chunks;
    }

    /**
     * Bytes that make the stream end in a frame over the limit, with their chunks: for a
     * delimited frame all the limit still allows in one call, then the one byte that must fail;
     * for an unfinished length, groups of 0x81 one at a time up to the one that must fail. Empty
     * when the stream already failed, closed, or ends inside a length-prefixed payload.
     */
    private static byte[] unterminatedTail(FrameModel model, int limit, byte[] stream, List<Chunk> chunks) {
        int offset = stream.length;
        switch (model.end) {
            case FRAME_BOUNDARY, IN_DELIMITED -> {
                // From a frame boundary: a text frame type, then limit + 1 payload bytes.
                int open = model.end == FrameModel.End.FRAME_BOUNDARY ? 1 : 0;
                byte[] tail = new byte[open + (int) (limit - model.pending) + 1];
                Arrays.fill(tail, FILLER);
                if (open == 1) {
                    tail[0] = 0x00;
                }
                chunks.add(new Chunk(offset, tail.length - 1, 2));
                chunks.add(new Chunk(offset + tail.length - 1, 1, 3));
                return tail;
            }
            case IN_LENGTH -> {
                for (int n = 1; n <= 3; n++) {
                    byte[] tail = new byte[n];
                    Arrays.fill(tail, (byte) 0x81);
                    chunks.add(new Chunk(offset + n - 1, 1, n));
                    if (FrameModel.of(concat(stream, tail), limit).end == FrameModel.End.FAILED) {
                        return tail;
                    }
                }
                throw new AssertionError("three length groups of 0x81 must exceed any limit up to " + MAX_LIMIT);
            }
            default -> {
                return new byte[0];
            }
        }
    }

    private static ByteBuffer buffer(byte[] all, Chunk chunk) {
        switch (chunk.kind()) {
            case 1 -> {
                byte[] padded = new byte[chunk.length() + 6];
                System.arraycopy(all, chunk.offset(), padded, 3, chunk.length());
                return ByteBuffer.wrap(padded, 3, chunk.length()).slice();
            }
            case 2 -> {
                ByteBuffer direct = chunk.length() <= DIRECT.capacity() ? DIRECT.clear()
                        : ByteBuffer.allocateDirect(chunk.length());
                return direct.put(all, chunk.offset(), chunk.length()).flip();
            }
            case 3 -> {
                return ByteBuffer.wrap(all, chunk.offset(), chunk.length()).asReadOnlyBuffer();
            }
            default -> {
                return ByteBuffer.wrap(all, chunk.offset(), chunk.length());
            }
        }
    }

    /**
     * Overwrites a buffer the test owns once decode returned: a decoder that kept a reference to
     * the caller's bytes instead of copying them would then report garbage.
     */
    private static void scrub(ByteBuffer buffer, Chunk chunk) {
        if (chunk.kind() == 1 || chunk.kind() == 2) {
            ByteBuffer writable = buffer.duplicate();
            writable.clear().limit(chunk.length());
            while (writable.hasRemaining()) {
                writable.put((byte) 0xEE);
            }
        }
    }

    private static int at(byte[] input, int index) {
        return index < input.length ? input[index] & 0xFF : 0;
    }
}
