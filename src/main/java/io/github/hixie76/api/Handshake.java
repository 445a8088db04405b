package io.github.hixie76.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * The request that opened a session.
 *
 * @param uri the URL the client opened, as sent back in {@code Sec-WebSocket-Location}; characters
 *        that {@link URI} does not allow, which some browsers send as typed, percent-encoded
 * @param origin the {@code Origin} the client sent
 * @param subprotocol the subprotocol agreed, or null when none
 * @param headers every request header, names in lower case
 * @param principal the authenticated user, or null
 * @param remoteAddress the peer as the container reports it
 * @param sessionAttributes the attributes of the client's HTTP session when it opened the
 *        connection (what the application stored at login, say), or empty without a session
 */
public record Handshake(URI uri, String origin, String subprotocol, Map<String, List<String>> headers,
        Principal principal, InetSocketAddress remoteAddress, Map<String, Object> sessionAttributes) {

    /** The first value of a request header, or null; the name is case-insensitive. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
