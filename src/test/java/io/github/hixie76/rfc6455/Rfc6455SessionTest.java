package io.github.hixie76.rfc6455;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What an RFC 6455 session counts without the container: the UTF-8 length of a message, for the metrics and its queue bound. */
class Rfc6455SessionTest {

    @Test
    void asciiIsOneBytePerChar() {
        assertEquals(0, Rfc6455Session.utf8Length(""));
        assertEquals(5, Rfc6455Session.utf8Length("hello"));
        assertEquals(1, Rfc6455Session.utf8Length("\u007f"));
    }

    @Test
    void twoByteChars() {
        assertEquals(2, Rfc6455Session.utf8Length("\u0080"));
        assertEquals(2, Rfc6455Session.utf8Length("é"));
        assertEquals(2, Rfc6455Session.utf8Length("\u07ff"));
    }

    @Test
    void threeByteChars() {
        assertEquals(3, Rfc6455Session.utf8Length("\u0800"));
        assertEquals(3, Rfc6455Session.utf8Length("€"));
        assertEquals(3, Rfc6455Session.utf8Length("\uffff"));
    }

    @Test
    void fourByteCharsAreOneSurrogatePair() {
        assertEquals(4, Rfc6455Session.utf8Length("\uD834\uDD1E")); // U+1D11E
        assertEquals(8, Rfc6455Session.utf8Length("𝄞😀"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "aé€𝄞", "𝄞😀 mixed é text €", "\u0000\u007f\u0080\u07ff\u0800\uffff"})
    void agreesWithTheEncoder(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Rfc6455Session.utf8Length(text));
    }
}
