package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of a URI the opening handshake sends and expects back, the URI's spelling kept. */
class WebSocketUrlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // URI                        | port | Host field       | resource          | Sec-WebSocket-Location
        "ws://example.com/chat        | 80   | example.com      | /chat             | ws://example.com/chat",
        "ws://Example.COM/Chat        | 80   | example.com      | /Chat             | ws://example.com/Chat",
        "ws://example.com             | 80   | example.com      | /                 | ws://example.com/",
        "ws://example.com:80/         | 80   | example.com      | /                 | ws://example.com/",
        "ws://example.com:8080/a      | 8080 | example.com:8080 | /a                | ws://example.com:8080/a",
        "ws://example.com:443/a       | 443  | example.com:443  | /a                | ws://example.com:443/a",
        "wss://example.com/a          | 443  | example.com      | /a                | wss://example.com/a",
        "wss://example.com:80/a       | 80   | example.com:80   | /a                | wss://example.com:80/a",
        "ws://[::1]/a                 | 80   | [::1]            | /a                | ws://[::1]/a",
        "ws://[::1]:9000/a?b          | 9000 | [::1]:9000       | /a?b              | ws://[::1]:9000/a?b",
        "ws://h/a%20b/c?x=%2F&y=%C3%A9 | 80  | h                | /a%20b/c?x=%2F&y=%C3%A9 | ws://h/a%20b/c?x=%2F&y=%C3%A9",
        "ws://h?x=1                   | 80   | h                | /?x=1             | ws://h/?x=1",
        "ws://h/?                     | 80   | h                | /?                | ws://h/?",
    })
    void partsOfTheHandshake(String uri, int port, String authority, String resource, String location) {
        WebSocketUrl url = WebSocketUrl.of(URI.create(uri));
        assertEquals(port, url.port());
        assertEquals(authority, url.authority());
        assertEquals(resource, url.resource());
        assertEquals(location, url.location());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "wss:/no/host", "example.com/chat"})
    void onlyWsAndWssWithAHost(String uri) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> WebSocketUrl.of(URI.create(uri)));
        assertEquals("expected a ws:// or wss:// URL with a host, got " + uri, refused.getMessage());
    }
}
