package io.github.hixie76.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of {@link OpeningHandshake#validate} (draft §5.1, §5.2 steps 4-9) with
 * header fields built from the input, then of {@link OpeningHandshake#response} with the parts
 * it returns.
 *
 * <p>Input layout: UTF-8 text, one field per line ({@code \n}); a line is {@code name:value}
 * (one space after the colon is dropped, as containers drop leading whitespace) or, without a
 * colon, a name with an empty value. Names are matched without regard to ASCII case, a name may
 * repeat, and names and values are arbitrary (CR and other controls included), so the committed
 * inputs read like requests.
 *
 * <p>The oracle is the list of rules in §5.2 and hixie76-notes.md §1: validate returns exactly
 * when all hold, with the parts of both keys (read with {@link BigInteger}), the origin and the
 * subprotocol; otherwise it throws a {@link ProtocolException} (anything else fails the test)
 * whose one-line message (no CR, no LF, whatever the values) is about the first rule broken, in
 * the order validate checks them. Protocol tokens compare in ASCII case only: {@code Upgrade}
 * is {@code WebSocket}, and {@code Connection} has a comma-separated token {@code upgrade}
 * (surrounding characters up to U+0020 ignored, as {@link String#trim} does).
 */
class OpeningHandshakeFuzzTest {

    private static final String KEY1 = "Sec-WebSocket-Key1";
    private static final String KEY2 = "Sec-WebSocket-Key2";
    private static final String PROTOCOL = "Sec-WebSocket-Protocol";
    @RegisterExtension
    static final FuzzExecutions EXECUTIONS = new FuzzExecutions("OpeningHandshakeFuzzTest.validate");

    private record Field(String name, String value) {
    }

    @DictionaryFile(resourcePath = "OpeningHandshakeFuzzTest.dict")
    @FuzzTest(maxDuration = "10s")
    void validate(byte[] input) {
        EXECUTIONS.count();
        List<Field> fields = fields(new String(input, StandardCharsets.UTF_8));
        Function<String, List<String>> headers = name -> values(fields, name);
        String brokenRule = brokenRule(headers);

        OpeningHandshake.Request request;
        try {
            request = OpeningHandshake.validate(headers);
        } catch (ProtocolException e) {
            String message = e.getMessage();
            assertNotNull(brokenRule, "refused a valid request: " + message);
            assertFalse(message.isEmpty(), "empty message");
            assertFalse(message.contains("\n") || message.contains("\r"), "one-line message: " + message);
            assertTrue(matches(brokenRule, message), "expected a message about " + brokenRule + ", got: " + message);
            return;
        }
        assertEquals(null, brokenRule, "accepted a request breaking the rule on " + brokenRule);
        List<String> protocol = headers.apply(PROTOCOL);
        assertEquals(new OpeningHandshake.Request(part(headers.apply(KEY1).get(0)), part(headers.apply(KEY2).get(0)),
                headers.apply("Origin").get(0), protocol.isEmpty() ? null : protocol.get(0)), request);
        assertTrue(request.part1() >= 0 && request.part1() <= 0xFFFFFFFFL, "part1 " + request.part1());
        assertTrue(request.part2() >= 0 && request.part2() <= 0xFFFFFFFFL, "part2 " + request.part2());

        byte[] key3 = Arrays.copyOf(input, OpeningHandshake.KEY3_LENGTH);
        assertArrayEquals(md5(request.part1(), request.part2(), key3),
                OpeningHandshake.response(request.part1(), request.part2(), key3), "challenge response");
    }

    private static List<Field> fields(String text) {
        List<Field> fields = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                fields.add(new Field(line, ""));
            } else {
                String value = line.substring(colon + 1);
                fields.add(new Field(line.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value));
            }
        }
        return fields;
    }

    /** Every value of a field, in order, as {@code HttpServletRequest.getHeaders} gives them. */
    private static List<String> values(List<Field> fields, String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (asciiEqualsIgnoreCase(field.name(), name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    /** The first rule the request breaks, named by its field ("no keys" for hixie-75 and RFC 6455), or null. */
    private static String brokenRule(Function<String, List<String>> headers) {
        List<String> upgrade = headers.apply("Upgrade");
        if (upgrade.size() != 1 || !asciiEqualsIgnoreCase(upgrade.get(0), "WebSocket")) {
            return "Upgrade";
        }
        if (headers.apply("Connection").stream().flatMap(v -> Arrays.stream(v.split(",", -1)))
                .noneMatch(token -> asciiEqualsIgnoreCase(token.trim(), "upgrade"))) {
            return "Connection";
        }
        List<String> key1 = headers.apply(KEY1);
        List<String> key2 = headers.apply(KEY2);
        if (key1.isEmpty() && key2.isEmpty()) {
            return "no keys";
        }
        if (key1.size() != 1 || part(key1.get(0)) < 0) {
            return KEY1;
        }
        if (key2.size() != 1 || part(key2.get(0)) < 0) {
            return KEY2;
        }
        if (headers.apply("Origin").size() != 1) {
            return "Origin";
        }
        List<String> protocol = headers.apply(PROTOCOL);
        if (protocol.size() > 1 || protocol.size() == 1 && !protocol.get(0).chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            return PROTOCOL;
        }
        return null;
    }

    private static boolean matches(String rule, String message) {
        return switch (rule) {
            case "Upgrade" -> message.startsWith("not a WebSocket request: ") || message.equals("more than one Upgrade header");
            case "Connection" -> message.equals("Connection header must include 'Upgrade'");
            case "no keys" -> message.endsWith(": only hixie-76 is served here");
            case "Origin" -> message.equals("missing Origin header") || message.equals("more than one Origin header");
            default -> message.startsWith(rule + ": ") || message.equals("missing " + rule + " header")
                    || message.equals("more than one " + rule + " header")
                    || rule.equals(PROTOCOL) && message.startsWith(PROTOCOL + " has characters outside");
        };
    }

    /** The part of a key by §5.2 steps 4-8, or -1 when the key is invalid. */
    private static long part(String key) {
        String digits = key.replaceAll("[^0-9]", "");
        long spaces = key.chars().filter(c -> c == ' ').count();
        if (digits.isEmpty() || spaces == 0) {
            return -1;
        }
        BigInteger number = new BigInteger(digits);
        BigInteger[] qr = number.divideAndRemainder(BigInteger.valueOf(spaces));
        return number.bitLength() > 32 || qr[1].signum() != 0 ? -1 : qr[0].longValueExact();
    }

    private static byte[] md5(long part1, long part2, byte[] key3) {
        byte[] challenge = new byte[16];
        for (int i = 0; i < 4; i++) {
            challenge[i] = (byte) (part1 >>> (24 - 8 * i));
            challenge[4 + i] = (byte) (part2 >>> (24 - 8 * i));
        }
        System.arraycopy(key3, 0, challenge, 8, 8);
        try {
            return MessageDigest.getInstance("MD5").digest(challenge);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
