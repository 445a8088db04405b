package io.github.hixie76.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Push parser for the data framing of draft §5.3 (the same rules a client follows in §4.2).
 *
 * <ul>
 * <li>Frame type with the high bit clear: bytes up to 0xFF. Type 0x00 is a text message;
 *     other types are read and discarded.</li>
 * <li>Frame type with the high bit set: a length in 7-bit groups, then that many bytes,
 *     discarded. Type 0xFF with length 0 is the closing handshake, after which every byte is
 *     ignored.</li>
 * </ul>
 *
 * <p>Every frame, kept or discarded, may carry at most {@code maxFrameSize} payload bytes: the
 * limit is checked as bytes arrive and as each length group is read, so neither a text frame
 * that never ends nor a huge length field makes the decoder buffer or wait for more.
 *
 * <p>Invalid UTF-8 in a text frame becomes U+FFFD, one per malformed sequence: the draft
 * leaves a server free here (§5.4) and this is what it asks of clients (§4.2), so a message is
 * never lost for a stray byte.
 *
 * <p>Not thread-safe: one decoder per connection, fed by one thread at a time.
 */
public final class FrameDecoder {

    private enum State { FRAME_TYPE, DELIMITED, LENGTH, SKIP, CLOSED }

    private static final int END = 0xFF;
    private static final int INITIAL_BUFFER = 256;
    private static final int RETAINED_BUFFER = 8 * 1024;

    private final int maxFrameSize;
    private State state = State.FRAME_TYPE;
    private int frameType;
    /** DELIMITED: payload bytes so far; LENGTH: the length read so far; SKIP: bytes left. */
    private long count;
    /** SKIP: the declared payload length of the frame being skipped. */
    private long length;
    private static final byte[] NO_TEXT = new byte[0];
    private byte[] text = NO_TEXT;

    public FrameDecoder(int maxFrameSize) {
        if (maxFrameSize < 0) {
            throw new IllegalArgumentException("maxFrameSize must be >= 0, got " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Consumes all of {@code in}, reporting each completed frame to {@code sink} and keeping
     * any partial frame for the next call.
     *
     * @throws ProtocolException when a frame exceeds the limit; the decoder is then closed
     */
    public void decode(ByteBuffer in, FrameSink sink) throws ProtocolException {
        while (in.hasRemaining()) {
            switch (state) {
                case FRAME_TYPE -> startFrame(in.get() & 0xFF);
                case DELIMITED -> readDelimited(in, sink);
                case LENGTH -> readLength(in.get() & 0xFF, sink);
                case SKIP -> skip(in, sink);
                case CLOSED -> in.position(in.limit());
            }
        }
    }

    /** True once the closing handshake (or a limit violation) has ended the stream. */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * Bytes this decoder holds for the text frame it is reading, as allocated: never more than
     * {@code maxFrameSize}, whatever the input. Tests check it instead of guessing from the heap.
     */
    int bufferCapacity() {
        return text.length;
    }

    private void startFrame(int type) {
        frameType = type;
        count = 0;
        state = (type & 0x80) == 0 ? State.DELIMITED : State.LENGTH;
    }

    private void readDelimited(ByteBuffer in, FrameSink sink) throws ProtocolException {
        int start = in.position();
        int end = indexOfEnd(in);
        int stop = end < 0 ? in.limit() : end;
        int chunk = stop - start;
        checkSize(count + chunk);
        if (frameType == 0x00) {
            if (end >= 0 && count == 0 && in.hasArray()) {
                in.position(end + 1);
                state = State.FRAME_TYPE;
                sink.onText(new String(in.array(), in.arrayOffset() + start, chunk, StandardCharsets.UTF_8));
                return;
            }
            append(in, chunk);
        } else {
            in.position(stop);
        }
        count += chunk;
        if (end >= 0) {
            in.get();
            state = State.FRAME_TYPE;
            if (frameType == 0x00) {
                String message = new String(text, 0, (int) count, StandardCharsets.UTF_8);
                releaseBuffer();
                sink.onText(message);
            } else {
                sink.onDiscarded(frameType, count);
            }
        }
    }

    private void readLength(int b, FrameSink sink) throws ProtocolException {
        count = count * 128 + (b & 0x7F);
        checkSize(count);
        if ((b & 0x80) != 0) {
            return;
        }
        if (frameType == END && count == 0) {
            state = State.CLOSED;
            sink.onCloseFrame();
        } else if (count == 0) {
            state = State.FRAME_TYPE;
            sink.onDiscarded(frameType, 0);
        } else {
            length = count;
            state = State.SKIP;
        }
    }

    private void skip(ByteBuffer in, FrameSink sink) {
        int n = (int) Math.min(count, in.remaining());
        in.position(in.position() + n);
        count -= n;
        if (count == 0) {
            state = State.FRAME_TYPE;
            sink.onDiscarded(frameType, length);
        }
    }

    private void checkSize(long size) throws ProtocolException {
        if (size > maxFrameSize) {
            state = State.CLOSED;
            releaseBuffer();
            throw new ProtocolException("frame of type 0x" + Integer.toHexString(frameType)
                    + " exceeds the limit of " + maxFrameSize + " bytes");
        }
    }

    private void append(ByteBuffer in, int chunk) {
        int needed = (int) count + chunk;
        if (needed > text.length) {
            int grown = Math.max(INITIAL_BUFFER, text.length * 2);
            text = Arrays.copyOf(text, Math.min(maxFrameSize, Math.max(grown, needed)));
        }
        in.get(text, (int) count, chunk);
    }

    private void releaseBuffer() {
        if (text.length > RETAINED_BUFFER) {
            text = NO_TEXT;
        }
    }

    private static int indexOfEnd(ByteBuffer in) {
        for (int i = in.position(), limit = in.limit(); i < limit; i++) {
            if ((in.get(i) & 0xFF) == END) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "FrameDecoder[" + state + (state == State.CLOSED || state == State.FRAME_TYPE ? ""
                : ", type 0x" + Integer.toHexString(frameType) + ", count " + count) + "]";
    }
}
