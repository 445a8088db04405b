package io.github.hixie76.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The Location (§3.2) as sent, and as a URI for applications. */
class LocationTest {

    @Test
    void defaultPortsAreOmitted() {
        assertEquals("ws://example.com/demo", Location.of(false, "example.com", 80, "/demo", null));
        assertEquals("wss://example.com/demo", Location.of(true, "example.com", 443, "/demo", null));
    }

    @Test
    void otherPortsAreKept() {
        assertEquals("ws://example.com:8080/demo", Location.of(false, "example.com", 8080, "/demo", null));
        assertEquals("wss://example.com:8443/demo", Location.of(true, "example.com", 8443, "/demo", null));
        assertEquals("ws://example.com:443/demo", Location.of(false, "example.com", 443, "/demo", null));
        assertEquals("wss://example.com:80/demo", Location.of(true, "example.com", 80, "/demo", null));
    }

    @Test
    void emptyPathIsSlash() {
        assertEquals("ws://example.com/", Location.of(false, "example.com", 80, "", null));
        assertEquals("ws://example.com/", Location.of(false, "example.com", 80, null, null));
        assertEquals("ws://example.com/?x=1", Location.of(false, "example.com", 80, "", "x=1"));
    }

    @Test
    void queryIsKept() {
        assertEquals("ws://example.com/chat/room?a=1&b=%20",
                Location.of(false, "example.com", 80, "/chat/room", "a=1&b=%20"));
        // §4.1: a present but empty query still contributes its "?"
        assertEquals("ws://example.com/chat?", Location.of(false, "example.com", 80, "/chat", ""));
    }

    @Test
    void nullQueryIsAbsent() {
        assertEquals("wss://example.com:9443/chat", Location.of(true, "example.com", 9443, "/chat", null));
    }

    @Test
    void hostIsLowercased() {
        assertEquals("ws://example.com/Demo", Location.of(false, "Example.COM", 80, "/Demo", null));
    }

    @Test
    void bareIpv6IsBracketed() {
        assertEquals("ws://[::1]:8080/", Location.of(false, "::1", 8080, "/", null));
        assertEquals("wss://[fe80::1]/x", Location.of(true, "FE80::1", 443, "/x", null));
    }

    @Test
    void bracketedIpv6IsLeftAlone() {
        assertEquals("ws://[::1]:8080/", Location.of(false, "[::1]", 8080, "/", null));
        assertEquals("ws://[2001:db8::1]/", Location.of(false, "[2001:DB8::1]", 80, "/", null));
    }

    @Test
    void uriKeepsAValidUrlAsItIs() throws ProtocolException {
        assertEquals(URI.create("ws://example.com:8080/a%20b?q=1%2F2"), Location.toUri("ws://example.com:8080/a%20b?q=1%2F2"));
    }

    @Test
    void uriEncodesWhatBrowsersSendAsTyped() throws ProtocolException {
        // Chrome sends | { } ^ ` as typed, and a '%' not followed by two hex digits
        assertEquals("ws://example.com/a%7Cb?x=%7B1%7D%5E%60&p=100%25&q=%zz".replace("%zz", "%25zz"),
                Location.toUri("ws://example.com/a|b?x={1}^`&p=100%&q=%zz").toString());
        assertEquals("ws://example.com/caf%C3%A9", Location.toUri("ws://example.com/café").toString());
    }

    @Test
    void aHostNoUriTakesIsAProtocolError() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Location.toUri("ws://exa mple.com/"));
        assertEquals(true, e.getMessage().startsWith("malformed request URL: "), e.getMessage());
    }
}
