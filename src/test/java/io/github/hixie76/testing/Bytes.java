package io.github.hixie76.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Byte helpers for tests: hex in and out, concatenation, hixie-76 frames. Stateless. */
public final class Bytes {

    private Bytes() {
    }

    /** Hex digits to bytes; spaces, newlines and {@code #} comments to the end of a line are ignored. */
    public static byte[] hex(String... lines) {
        StringBuilder digits = new StringBuilder();
        for (String line : lines) {
            for (String part : line.split("\n")) {
                int comment = part.indexOf('#');
                digits.append((comment >= 0 ? part.substring(0, comment) : part).replaceAll("\\s", ""));
            }
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Bytes as lower-case hex pairs separated by spaces, for readable assertion messages. */
    public static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    /** The remaining bytes of a buffer, without moving it. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A text frame as a server or client writes it: {@code 00}, the UTF-8 bytes, {@code FF} (§5.3). */
    public static byte[] textFrame(String text) {
        return concat(new byte[] {0x00}, text.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF});
    }

    /** The closing handshake {@code FF 00} (§1.4). */
    public static byte[] closeFrame() {
        return new byte[] {(byte) 0xFF, 0x00};
    }
}
