package io.github.hixie76.protocol;

import static io.github.hixie76.testing.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Draft;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Draft §5.2 (validation, challenge response), §3.2 (Location) and §4.1 (key generation). */
class OpeningHandshakeTest {

    /** The request of the draft's example (§1.3). */
    private static final Draft.Vector EXAMPLE = Draft.EXAMPLE;

    private static void assertRejected(String message, String name, String key) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> OpeningHandshake.keyPart(name, key));
        assertEquals(message, e.getMessage());
    }

    @Nested
    class TestVectors {

        /** Each of {@link Draft#ALL}: both key parts, then the 16 bytes of the response. */
        @ParameterizedTest(name = "vector {index}")
        @FieldSource("io.github.hixie76.testing.Draft#ALL")
        void vector(Draft.Vector vector) throws ProtocolException {
            long part1 = OpeningHandshake.keyPart("Sec-WebSocket-Key1", vector.key1());
            long part2 = OpeningHandshake.keyPart("Sec-WebSocket-Key2", vector.key2());
            assertEquals(vector.part1(), part1);
            assertEquals(vector.part2(), part2);
            assertArrayEquals(vector.response(), OpeningHandshake.response(part1, part2, vector.key3()));
        }

        @Test
        void challengeIsBigEndianPartsThenKey3() throws NoSuchAlgorithmException {
            byte[] challenge = hex("ffffffff"          // part1 = 4294967295
                    + "80000000"                       // part2 = 2147483648
                    + "00010203f4f5f6f7");             // key3, raw
            assertArrayEquals(MessageDigest.getInstance("MD5").digest(challenge),
                    OpeningHandshake.response(0xFFFFFFFFL, 0x80000000L, hex("00010203f4f5f6f7")));
        }

        @Test
        void key3MustBeEightBytes() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OpeningHandshake.response(1, 2, new byte[7]));
            assertEquals("key3 must be 8 bytes, got 7", e.getMessage());
        }
    }

    @Nested
    class KeyPart {

        @Test
        void keyNumberAboveUnsigned32BitsIsRejected() {
            assertRejected("Sec-WebSocket-Key1: key number exceeds 4294967295", "Sec-WebSocket-Key1", "42949672 96");
        }

        @Test
        void veryLongKeyNumberIsRejectedWithoutOverflow() {
            // 24 digits would wrap around a long if the check came after parsing
            assertRejected("Sec-WebSocket-Key2: key number exceeds 4294967295",
                    "Sec-WebSocket-Key2", "999999999999 999999999999");
        }

        @Test
        void keyNumberOfExactly4294967295IsAccepted() throws ProtocolException {
            assertEquals(4294967295L, OpeningHandshake.keyPart("k", "4294967 295"));     // 1 space
            assertEquals(1431655765L, OpeningHandshake.keyPart("k", "4294 967 29 5"));   // 3 spaces
            assertEquals(4294967295L, OpeningHandshake.keyPart("k", "0000 4294967295")); // leading zeros
        }

        @Test
        void keyWithoutSpacesIsRejected() {
            assertRejected("Sec-WebSocket-Key2: key has no spaces", "Sec-WebSocket-Key2", "12x345");
        }

        @Test
        void keyNumberNotAMultipleOfSpacesIsRejected() {
            assertRejected("Sec-WebSocket-Key1: key number 123 is not a multiple of its 2 spaces",
                    "Sec-WebSocket-Key1", "1 2 3");
        }

        @Test
        void keyWithoutDigitsIsRejected() {
            assertRejected("Sec-WebSocket-Key1: key has no digits", "Sec-WebSocket-Key1", "a b");
        }

        @Test
        void keyNumberZeroIsLegal() throws ProtocolException {
            assertEquals(0L, OpeningHandshake.keyPart("k", "0 x"));
            assertEquals(0L, OpeningHandshake.keyPart("k", "a0 0 0b"));
        }

        @Test
        void tabsAreNotSpaces() throws ProtocolException {
            assertEquals(124L, OpeningHandshake.keyPart("k", "1\t2 4"));  // 124 / 1, not 124 / 2
            assertRejected("k: key has no spaces", "k", "12\t34");
        }

        @Test
        void onlyAsciiDigitsAndU0020Count() throws ProtocolException {
            // FULLWIDTH DIGIT ONE, NO-BREAK SPACE: noise like any other character
            assertEquals(12L, OpeningHandshake.keyPart("k", "\uFF11 2\u00A0 4"));  // 24 / 2 spaces
        }
    }

    @Nested
    class Validate {

        /** Header fields of the draft's example request, as a client sends them (any case). */
        private final Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Validate() {
            set("Host", "example.com");
            set("Connection", "Upgrade");
            set("sec-websocket-key2", EXAMPLE.key2());
            set("Sec-WebSocket-Protocol", "sample");
            set("Upgrade", "WebSocket");
            set("SEC-WEBSOCKET-KEY1", EXAMPLE.key1());
            set("origin", "http://example.com");
        }

        private void set(String name, String... values) {
            fields.put(name, List.of(values));
        }

        private OpeningHandshake.Request validate() throws ProtocolException {
            Function<String, List<String>> headers = name -> fields.getOrDefault(name, List.of());
            return OpeningHandshake.validate(headers);
        }

        private void assertRejected(String message) {
            ProtocolException e = assertThrows(ProtocolException.class, this::validate);
            assertEquals(message, e.getMessage());
        }

        @Test
        void exampleRequestIsValid() throws ProtocolException {
            assertEquals(new OpeningHandshake.Request(EXAMPLE.part1(), EXAMPLE.part2(), "http://example.com", "sample"),
                    validate());
        }

        @Test
        void noSubprotocolIsNull() throws ProtocolException {
            fields.remove("Sec-WebSocket-Protocol");
            assertNull(validate().subprotocol());
        }

        @Test
        void missingUpgrade() {
            fields.remove("Upgrade");
            assertRejected("not a WebSocket request: no Upgrade header");
        }

        @Test
        void upgradeNotWebSocket() {
            set("Upgrade", "h2c");
            assertRejected("not a WebSocket request: Upgrade is 'h2c'");
        }

        @Test
        void upgradeComparesInAsciiCaseOnly() {
            set("Upgrade", "WebSoc\u212Aet");     // KELVIN SIGN, which equalsIgnoreCase takes for 'k'
            assertRejected("not a WebSocket request: Upgrade is 'WebSoc?et'");
            set("Upgrade", "Web\u017Focket");     // LATIN SMALL LETTER LONG S, taken for 's'
            assertRejected("not a WebSocket request: Upgrade is 'Web?ocket'");
        }

        @Test
        void controlCharactersOfAValueStayOutOfTheReason() {
            set("Upgrade", "WebSoc\rbSo");
            assertRejected("not a WebSocket request: Upgrade is 'WebSoc?bSo'");
            fields.remove("Sec-WebSocket-Key1");
            fields.remove("Sec-WebSocket-Key2");
            set("Upgrade", "websocket");
            set("Sec-WebSocket-Version", "13\r\nX-Injected: 1");
            assertRejected("RFC 6455 request (Sec-WebSocket-Version 13??X-Injected: 1): only hixie-76 is served here");
        }

        @Test
        void duplicatedUpgrade() {
            set("Upgrade", "WebSocket", "WebSocket");
            assertRejected("more than one Upgrade header");
        }

        @Test
        void lowercaseWebsocketIsAccepted() throws ProtocolException {
            set("Upgrade", "websocket");    // what Netty's client sends
            assertEquals(EXAMPLE.part1(), validate().part1());
        }

        @Test
        void missingConnection() {
            fields.remove("Connection");
            assertRejected("Connection header must include 'Upgrade'");
        }

        @Test
        void connectionWithoutUpgradeToken() {
            set("Connection", "keep-alive");
            assertRejected("Connection header must include 'Upgrade'");
        }

        @Test
        void connectionUpgradeAmongOtherTokens() throws ProtocolException {
            set("Connection", "keep-alive, Upgrade");
            assertEquals(EXAMPLE.part2(), validate().part2());
            set("Connection", "keep-alive", "upgrade");     // the token in a second field
            assertEquals(EXAMPLE.part2(), validate().part2());
        }

        @Test
        void noKeysIsHixie75() {
            fields.remove("Sec-WebSocket-Key1");
            fields.remove("Sec-WebSocket-Key2");
            assertRejected("hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here");
        }

        @Test
        void noKeysWithVersionIsRfc6455() {
            fields.remove("Sec-WebSocket-Key1");
            fields.remove("Sec-WebSocket-Key2");
            set("Sec-WebSocket-Version", "13");
            assertRejected("RFC 6455 request (Sec-WebSocket-Version 13): only hixie-76 is served here");
        }

        @Test
        void missingKey1() {
            fields.remove("Sec-WebSocket-Key1");
            assertRejected("missing Sec-WebSocket-Key1 header");
        }

        @Test
        void missingKey2() {
            fields.remove("Sec-WebSocket-Key2");
            assertRejected("missing Sec-WebSocket-Key2 header");
        }

        @Test
        void duplicatedKey() {
            set("Sec-WebSocket-Key1", EXAMPLE.key1(), EXAMPLE.key1());
            assertRejected("more than one Sec-WebSocket-Key1 header");
        }

        @Test
        void malformedKeyReportsTheKeyProblem() {
            set("Sec-WebSocket-Key2", "12345");
            assertRejected("Sec-WebSocket-Key2: key has no spaces");
        }

        @Test
        void missingOrigin() {
            fields.remove("Origin");
            assertRejected("missing Origin header");
        }

        @Test
        void subprotocolWithControlCharacter() {
            set("Sec-WebSocket-Protocol", "sam\u0001ple");
            assertRejected("Sec-WebSocket-Protocol has characters outside U+0020-U+007E");
        }

        @Test
        void subprotocolWithDelOrNonAscii() {
            set("Sec-WebSocket-Protocol", "sample\u007F");
            assertRejected("Sec-WebSocket-Protocol has characters outside U+0020-U+007E");
            set("Sec-WebSocket-Protocol", "sampl\u00E9");
            assertRejected("Sec-WebSocket-Protocol has characters outside U+0020-U+007E");
        }

        @Test
        void subprotocolWithSpacesAndPunctuationIsAccepted() throws ProtocolException {
            set("Sec-WebSocket-Protocol", " a b~!");    // one value, any of U+0020-U+007E
            assertEquals(" a b~!", validate().subprotocol());
        }
    }

    @Nested
    class GenerateKey {

        private static boolean isNoise(char c) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x7E);
        }

        @Test
        void keysFollowSection4_1() throws ProtocolException {
            Random random = new Random(76);
            boolean[] spaceCountsSeen = new boolean[13];
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < 10_000 && problems.size() < 10; i++) {    // report the first few only
                String key = OpeningHandshake.generateKey(random);
                int spaces = 0;
                int noise = 0;
                for (char c : key.toCharArray()) {
                    if (c == ' ') {
                        spaces++;
                    } else if (isNoise(c)) {
                        noise++;
                    } else if (c < '0' || c > '9') {
                        problems.add("character 0x" + Integer.toHexString(c) + " in '" + key + "'");
                    }
                }
                if (spaces < 1 || spaces > 12) {
                    problems.add(spaces + " spaces in '" + key + "'");
                } else {
                    spaceCountsSeen[spaces] = true;
                }
                if (noise < 1 || noise > 12) {
                    problems.add(noise + " noise characters in '" + key + "'");
                }
                if (key.startsWith(" ") || key.endsWith(" ")) {
                    problems.add("space at an end of '" + key + "'");
                }
                long part = OpeningHandshake.keyPart("k", key);
                if (part < 0 || part > 0xFFFFFFFFL) {
                    problems.add("part " + part + " of '" + key + "'");
                }
            }
            assertEquals(List.of(), problems);
            for (int spaces = 1; spaces <= 12; spaces++) {
                assertTrue(spaceCountsSeen[spaces], "no key with " + spaces + " spaces");
            }
        }
    }
}
