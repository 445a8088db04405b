package io.github.hixie76.client;

import io.github.hixie76.protocol.Location;
import java.net.URI;
import java.util.Locale;

/**
 * The parts of a ws: or wss: URI that the opening handshake uses (draft §3.1, §4.1): the host
 * in lower case (an IPv6 literal in brackets, as {@link URI#getHost} gives it), the port with
 * the scheme's default when the URI has none, the raw path ({@code /} when empty) and the raw
 * query, both as the URI spells them. Immutable and thread-safe.
 */
record WebSocketUrl(boolean secure, String host, int port, String path, String query) {

    static WebSocketUrl of(URI uri) {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a ws:// or wss:// URL with a host, got " + uri);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(secure);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new WebSocketUrl(secure, uri.getHost().toLowerCase(Locale.ROOT), port, path, uri.getRawQuery());
    }

    /** The resource name of the request line: the path, and the query after a {@code ?} when there is one. */
    String resource() {
        return query == null ? path : path + "?" + query;
    }

    /** The value of the Host field: the host, and the port only when it is not the scheme's default. */
    String authority() {
        return port == defaultPort(secure) ? host : host + ":" + port;
    }

    /** The Sec-WebSocket-Location the server must answer with (§3.2). */
    String location() {
        return Location.of(secure, host, port, path, query);
    }

    private static int defaultPort(boolean secure) {
        return secure ? 443 : 80;
    }
}
