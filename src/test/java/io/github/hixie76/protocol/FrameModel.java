package io.github.hixie76.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the framing rules of draft §5.3 say a whole byte stream means, for a given frame size
 * limit: the oracle of the decoder fuzz tests. It reads a complete array with an index, not as
 * a push parser, so it shares no structure with {@link FrameDecoder}.
 *
 * <p>Events are strings in the form {@link EventSink} records: {@code text:<text>},
 * {@code discarded:0x<type>:<length>}, {@code close}.
 */
final class FrameModel {

    /** How the stream ends. */
    enum End {
        /** after a complete frame, or empty */
        FRAME_BOUNDARY,
        /** inside the payload of a delimited frame (type 0x00-0x7F) */
        IN_DELIMITED,
        /** inside the length groups of a length-prefixed frame */
        IN_LENGTH,
        /** inside the payload of a length-prefixed frame */
        IN_SKIP,
        /** the closing handshake was read; what follows is ignored */
        CLOSED,
        /** a frame went over the limit at {@link #failAt} */
        FAILED
    }

    final List<String> events = new ArrayList<>();
    /** Offset just after the last byte of each event's frame (events.get(i) completes at ends.get(i)). */
    final List<Integer> ends = new ArrayList<>();
    /** The payload bytes of each text event, in order. */
    final List<byte[]> textPayloads = new ArrayList<>();
    End end = End.FRAME_BOUNDARY;
    /** FAILED: offset of the byte that took the frame over the limit; else -1. */
    int failAt = -1;
    /** FAILED: the frame type of the frame that went over the limit. */
    int failedType = -1;
    /** IN_DELIMITED: payload bytes of the unterminated frame. */
    long pending;

    private FrameModel() {
    }

    static FrameModel of(byte[] stream, int limit) {
        FrameModel model = new FrameModel();
        model.read(stream, limit);
        return model;
    }

    /** The message FrameDecoder documents for a frame over the limit. */
    static String limitMessage(int frameType, int limit) {
        return "frame of type 0x" + Integer.toHexString(frameType) + " exceeds the limit of " + limit + " bytes";
    }

    /** The events whose frames were complete before byte {@code offset}. */
    List<String> eventsBefore(int offset) {
        List<String> before = new ArrayList<>();
        for (int i = 0; i < events.size() && ends.get(i) <= offset; i++) {
            before.add(events.get(i));
        }
        return before;
    }

    private void read(byte[] b, int limit) {
        int i = 0;
        while (i < b.length) {
            int type = b[i++] & 0xFF;
            if (type < 0x80) {
                int start = i;
                while (i < b.length && (b[i] & 0xFF) != 0xFF) {
                    if (i - start == limit) {
                        fail(i, type);
                        return;
                    }
                    i++;
                }
                if (i == b.length) {
                    end = End.IN_DELIMITED;
                    pending = i - start;
                    return;
                }
                byte[] payload = Arrays.copyOfRange(b, start, i);
                i++;
                if (type == 0) {
                    textPayloads.add(payload);
                    add("text:" + new String(payload, StandardCharsets.UTF_8), i);
                } else {
                    add("discarded:0x" + Integer.toHexString(type) + ":" + payload.length, i);
                }
            } else {
                long length = 0;
                boolean more = true;
                while (more) {
                    if (i == b.length) {
                        end = End.IN_LENGTH;
                        return;
                    }
                    int group = b[i] & 0xFF;
                    length = length * 128 + (group & 0x7F);
                    if (length > limit) {
                        fail(i, type);
                        return;
                    }
                    more = group >= 0x80;
                    i++;
                }
                if (type == 0xFF && length == 0) {
                    add("close", i);
                    end = End.CLOSED;
                    return;
                }
                if (b.length - i < length) {
                    end = End.IN_SKIP;
                    return;
                }
                i += (int) length;
                add("discarded:0x" + Integer.toHexString(type) + ":" + length, i);
            }
        }
    }

    private void add(String event, int endOffset) {
        events.add(event);
        ends.add(endOffset);
    }

    private void fail(int offset, int type) {
        end = End.FAILED;
        failAt = offset;
        failedType = type;
    }
}
