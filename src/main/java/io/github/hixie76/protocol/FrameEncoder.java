package io.github.hixie76.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames (draft §4.2, §5.3). A server sends only text frames and the closing
 * handshake; length-prefixed frames exist here for clients and tests that exercise a peer's
 * decoder. Stateless and thread-safe; every call returns a fresh buffer ready to read.
 */
public final class FrameEncoder {

    private static final byte TEXT_TYPE = 0x00;
    private static final byte END = (byte) 0xFF;

    private FrameEncoder() {
    }

    /** {@code 00 <UTF-8 of text> FF}. Unpaired surrogates become '?', as String.getBytes does. */
    public static ByteBuffer text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(utf8.length + 2);
        frame.put(TEXT_TYPE).put(utf8).put(END);
        return frame.flip();
    }

    /** The closing handshake, {@code FF 00} (§1.4). */
    public static ByteBuffer close() {
        return ByteBuffer.wrap(new byte[] {END, 0x00});
    }

    /**
     * A frame whose type has the high bit set: the type, the payload length as 7-bit groups
     * (most significant first, high bit meaning "more follows"), then the payload.
     */
    public static ByteBuffer lengthPrefixed(int frameType, byte[] payload) {
        if (frameType < 0x80 || frameType > 0xFF) {
            throw new IllegalArgumentException("length-prefixed frame types are 0x80-0xFF, got " + frameType);
        }
        byte[] length = lengthGroups(payload.length);
        ByteBuffer frame = ByteBuffer.allocate(1 + length.length + payload.length);
        frame.put((byte) frameType).put(length).put(payload);
        return frame.flip();
    }

    static byte[] lengthGroups(long length) {
        int groups = 1;
        while (groups < 10 && (length >>> (7 * groups)) != 0) {
            groups++;
        }
        byte[] out = new byte[groups];
        for (int i = 0; i < groups; i++) {
            int shift = 7 * (groups - 1 - i);
            int more = i < groups - 1 ? 0x80 : 0;
            out[i] = (byte) (more | ((length >>> shift) & 0x7F));
        }
        return out;
    }
}
