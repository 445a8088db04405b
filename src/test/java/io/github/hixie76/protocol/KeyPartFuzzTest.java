package io.github.hixie76.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coverage-guided fuzzing of {@link OpeningHandshake#keyPart} (draft §5.2 steps 4-8) on
 * arbitrary strings: the input's bytes read as UTF-8 (malformed bytes become U+FFFD, so every
 * character can occur).
 *
 * <p>The oracle reads the key with {@link BigInteger}, so no length of digits overflows it:
 * a key is accepted exactly when it has digits, their number is at most 4294967295, it has
 * U+0020 spaces and the number is a multiple of them; then the part is in 0..4294967295 and
 * part * spaces is the number. A refusal must be a {@link ProtocolException} (anything else
 * fails the test) whose one-line message names the key and the rule.
 *
 * <p>Each input also seeds {@link OpeningHandshake#generateKey}, whose keys must conform to
 * §4.1 steps 16-22 and be accepted.
 */
class KeyPartFuzzTest {

    private static final BigInteger MAX = BigInteger.valueOf(0xFFFFFFFFL);
    private static final String NAME = "Sec-WebSocket-Key1";
    @RegisterExtension
    static final FuzzExecutions EXECUTIONS = new FuzzExecutions("KeyPartFuzzTest.keyPart");

    @DictionaryEntries({"4294967295", "4294967296", "  ", "0", "\u0661", "\t"})
    @FuzzTest(maxDuration = "10s")
    void keyPart(byte[] input) {
        EXECUTIONS.count();
        String key = new String(input, StandardCharsets.UTF_8);
        check(key);
        checkGenerated(new Random(seed(input)));
    }

    private static void check(String key) {
        StringBuilder digits = new StringBuilder();
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == ' ') {
                spaces++;
            }
        }
        BigInteger number = digits.length() == 0 ? null : new BigInteger(digits.toString());
        String rule;
        if (number == null) {
            rule = "key has no digits";
        } else if (number.compareTo(MAX) > 0) {
            rule = "key number exceeds 4294967295";
        } else if (spaces == 0) {
            rule = "key has no spaces";
        } else if (number.mod(BigInteger.valueOf(spaces)).signum() != 0) {
            rule = "is not a multiple of its " + spaces + " spaces";
        } else {
            rule = null;
        }

        long part;
        try {
            part = OpeningHandshake.keyPart(NAME, key);
        } catch (ProtocolException e) {
            String message = e.getMessage();
            assertTrue(rule != null, "refused a valid key: " + message);
            assertTrue(message.startsWith(NAME + ": "), "message names the key: " + message);
            assertTrue(message.contains(rule), "expected '" + rule + "', got: " + message);
            assertFalse(message.contains("\n") || message.contains("\r"), "one-line message: " + message);
            return;
        }
        assertEquals(null, rule, "accepted a key that breaks a rule, part " + part);
        assertTrue(part >= 0 && part <= 0xFFFFFFFFL, "part out of the unsigned 32-bit range: " + part);
        assertEquals(number, BigInteger.valueOf(part).multiply(BigInteger.valueOf(spaces)), "part * spaces");
    }

    /** §4.1: 1-12 spaces, never first or last; 1-12 noise characters from U+0021-U+002F, U+003A-U+007E. */
    private static void checkGenerated(Random random) {
        String key = OpeningHandshake.generateKey(random);
        int spaces = 0;
        int noise = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == ' ') {
                spaces++;
            } else if (c < '0' || c > '9') {
                assertTrue(c >= 0x21 && c <= 0x7E, "noise character " + (int) c + " in '" + key + "'");
                noise++;
            }
        }
        assertTrue(spaces >= 1 && spaces <= 12, "spaces in '" + key + "'");
        assertTrue(noise >= 1 && noise <= 12, "noise in '" + key + "'");
        assertTrue(key.charAt(0) != ' ' && key.charAt(key.length() - 1) != ' ', "space at an end of '" + key + "'");
        check(key);
        try {
            OpeningHandshake.keyPart(NAME, key);
        } catch (ProtocolException e) {
            throw new AssertionError("generated key '" + key + "' refused: " + e.getMessage(), e);
        }
    }

    private static long seed(byte[] input) {
        long seed = 0;
        for (int i = 0; i < Math.min(8, input.length); i++) {
            seed = seed << 8 | (input[i] & 0xFF);
        }
        return seed;
    }
}
