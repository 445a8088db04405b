package io.github.hixie76.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The opening handshake of draft-hixie-thewebsocketprotocol-76: validating a client's request
 * fields (§5.1, §5.2 steps 4–9), the 16-byte challenge response (§5.2 step 12) and, for
 * clients, key generation (§4.1 steps 16–24); the Location is {@link Location}'s. Stateless
 * and thread-safe.
 */
public final class OpeningHandshake {

    /** Length of key3, the raw bytes after the request's header fields. */
    public static final int KEY3_LENGTH = 8;
    /** Length of the server's answer after its header fields. */
    public static final int RESPONSE_LENGTH = 16;

    private static final long MAX_KEY_NUMBER = 0xFFFFFFFFL;
    /** Never used itself, only cloned: a MessageDigest is not thread-safe. */
    private static final MessageDigest MD5 = newMd5();
    private static final String NOISE = "!\"#$%&'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    /** What a valid request asks for; {@code subprotocol} is null when none was requested. */
    public record Request(long part1, long part2, String origin, String subprotocol) {
    }

    private OpeningHandshake() {
    }

    /**
     * Checks the fields of a hixie-76 request. {@code headers} returns every value of a field
     * (case-insensitive name), or an empty list.
     */
    public static Request validate(Function<String, List<String>> headers) throws ProtocolException {
        String upgrade = single(headers, "Upgrade");
        // String.equalsIgnoreCase alone would fold U+212A KELVIN SIGN onto 'k' and U+017F onto 's'
        if (upgrade == null || !isPrintableAscii(upgrade) || !upgrade.equalsIgnoreCase("WebSocket")) {
            throw new ProtocolException(upgrade == null ? "not a WebSocket request: no Upgrade header"
                    : "not a WebSocket request: Upgrade is '" + printable(upgrade) + "'");
        }
        if (!hasToken(headers.apply("Connection"), "upgrade")) {
            throw new ProtocolException("Connection header must include 'Upgrade'");
        }
        List<String> key1 = headers.apply("Sec-WebSocket-Key1");
        List<String> key2 = headers.apply("Sec-WebSocket-Key2");
        if (key1.isEmpty() && key2.isEmpty()) {
            List<String> version = headers.apply("Sec-WebSocket-Version");
            throw new ProtocolException(version.isEmpty()
                    ? "hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here"
                    : "RFC 6455 request (Sec-WebSocket-Version " + printable(version.get(0)) + "): only hixie-76 is served here");
        }
        long part1 = keyPart("Sec-WebSocket-Key1", required(headers, "Sec-WebSocket-Key1"));
        long part2 = keyPart("Sec-WebSocket-Key2", required(headers, "Sec-WebSocket-Key2"));
        String origin = required(headers, "Origin");
        String subprotocol = single(headers, "Sec-WebSocket-Protocol");
        if (subprotocol != null && !isPrintableAscii(subprotocol)) {
            throw new ProtocolException("Sec-WebSocket-Protocol has characters outside U+0020-U+007E");
        }
        return new Request(part1, part2, origin, subprotocol);
    }

    /**
     * Reads one key as §5.2 steps 4–8 say: its digits as one base-10 number, divided by its
     * count of U+0020 spaces. The result is an unsigned 32-bit value.
     */
    public static long keyPart(String name, String key) throws ProtocolException {
        long number = 0;
        int digits = 0;
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= '0' && c <= '9') {
                number = number * 10 + (c - '0');
                digits++;
                if (number > MAX_KEY_NUMBER) {
                    throw new ProtocolException(name + ": key number exceeds 4294967295");
                }
            } else if (c == ' ') {
                spaces++;
            }
        }
        if (digits == 0) {
            throw new ProtocolException(name + ": key has no digits");
        }
        if (spaces == 0) {
            throw new ProtocolException(name + ": key has no spaces");
        }
        if (number % spaces != 0) {
            throw new ProtocolException(name + ": key number " + number + " is not a multiple of its "
                    + spaces + " spaces");
        }
        return number / spaces;
    }

    /** MD5 of part1 and part2 as big-endian 32-bit values followed by the 8 bytes of key3. */
    public static byte[] response(long part1, long part2, byte[] key3) {
        if (key3.length != KEY3_LENGTH) {
            throw new IllegalArgumentException("key3 must be 8 bytes, got " + key3.length);
        }
        ByteBuffer challenge = ByteBuffer.allocate(16);
        challenge.putInt((int) part1).putInt((int) part2).put(key3);
        return md5().digest(challenge.array());
    }

    /** A fresh MD5 digest: a copy of one looked up once, cheaper than a provider lookup per handshake. */
    private static MessageDigest md5() {
        try {
            return (MessageDigest) MD5.clone();
        } catch (CloneNotSupportedException e) {
            return newMd5();
        }
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }

    /**
     * A key as a conforming client makes one (§4.1 steps 16–22): 1–12 spaces, never first or
     * last, and 1–12 noise characters, around a multiple of the spaces.
     */
    public static String generateKey(Random random) {
        int spaces = 1 + random.nextInt(12);
        long max = MAX_KEY_NUMBER / spaces;
        long number = (long) (random.nextDouble() * (max + 1));
        StringBuilder key = new StringBuilder(Long.toString(number * spaces));
        int noise = 1 + random.nextInt(12);
        for (int i = 0; i < noise; i++) {
            key.insert(random.nextInt(key.length() + 1), NOISE.charAt(random.nextInt(NOISE.length())));
        }
        for (int i = 0; i < spaces; i++) {
            key.insert(1 + random.nextInt(key.length() - 1), ' ');
        }
        return key.toString();
    }

    private static String required(Function<String, List<String>> headers, String name) throws ProtocolException {
        String value = single(headers, name);
        if (value == null) {
            throw new ProtocolException("missing " + name + " header");
        }
        return value;
    }

    private static String single(Function<String, List<String>> headers, String name) throws ProtocolException {
        List<String> values = headers.apply(name);
        if (values.size() > 1) {
            throw new ProtocolException("more than one " + name + " header");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A client's value as it may appear in a message: characters outside U+0020-U+007E become
     * '?', so that a CR or LF in a field cannot break the one-line reason or a log line.
     */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return out.toString();
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
