package io.github.hixie76.rfc6455;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an RFC 6455 session counts without the container: the UTF-8 length of a message, for the metrics and its queue bound. */
class Rfc6455SessionTest {

    @Test
    void emptyIsNoBytes() {
        assertEquals(0, Rfc6455Session.utf8Length(""));
    }

    /** The bounds of each width and one between; four bytes are one surrogate pair (U+1D11E, U+1F600). */
    @Test
    void oneToFourBytesPerCodePoint() {
        assertBytesPerCodePoint(1, "hello", "\u007f");
        assertBytesPerCodePoint(2, "\u0080", "é", "\u07ff");
        assertBytesPerCodePoint(3, "\u0800", "€", "\uffff");
        assertBytesPerCodePoint(4, "\uD834\uDD1E", "𝄞😀");
    }

    private static void assertBytesPerCodePoint(int width, String... texts) {
        for (String text : texts) {
            assertEquals(width * text.codePointCount(0, text.length()), Rfc6455Session.utf8Length(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "aé€𝄞", "𝄞😀 mixed é text €", "\u0000\u007f\u0080\u07ff\u0800\uffff"})
    void agreesWithTheEncoder(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Rfc6455Session.utf8Length(text));
    }
}
