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
 * @param protocol the protocol the session speaks: {@value #HIXIE_76} or {@value #RFC_6455}
 */
public record Handshake(URI uri, String origin, String subprotocol, Map<String, List<String>> headers,
        Principal principal, InetSocketAddress remoteAddress, Map<String, Object> sessionAttributes, String protocol) {

    /** The 2010 draft, served by this project's engine. */
    public static final String HIXIE_76 = "hixie-76";
    /** RFC 6455, served through the container's {@code jakarta.websocket}. */
    public static final String RFC_6455 = "rfc6455";

    /** A hixie-76 handshake: as before the protocol was recorded. */
    public Handshake(URI uri, String origin, String subprotocol, Map<String, List<String>> headers,
            Principal principal, InetSocketAddress remoteAddress, Map<String, Object> sessionAttributes) {
        this(uri, origin, subprotocol, headers, principal, remoteAddress, sessionAttributes, HIXIE_76);
    }

    /** The first value of a request header, or null; the name is case-insensitive. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
