package io.github.hixie76.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The Location (§3.2) as sent, and as a URI for applications. */
class LocationTest {

    @Test
    void defaultPortsAreLeftOutOthersKept() {
        assertEquals("ws://example.com/demo", Location.of(false, "example.com", 80, "/demo", null));
        assertEquals("wss://example.com/demo", Location.of(true, "example.com", 443, "/demo", null));
        assertEquals("ws://example.com:443/demo", Location.of(false, "example.com", 443, "/demo", null));
        assertEquals("wss://example.com:80/demo", Location.of(true, "example.com", 80, "/demo", null));
    }

    @Test
    void hostLowerCaseIpv6InBracketsEmptyPathIsSlashQueryKept() {
        assertEquals("ws://example.com/", Location.of(false, "EXAMPLE.com", 80, "", null));
        assertEquals("ws://[::1]:8080/x?a=b&c", Location.of(false, "::1", 8080, "/x", "a=b&c"));
        assertEquals("ws://[::1]/x?", Location.of(false, "[::1]", 80, "/x", ""));
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
