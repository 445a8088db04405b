package io.github.hixie76.server;

import io.github.hixie76.api.Handshake;
import io.github.hixie76.protocol.OpeningHandshake;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session keeps of its opening request, copied out before the upgrade (the container
 * recycles the request once {@code service()} returns). Stateless.
 */
final class RequestCopy {

    private RequestCopy() {
    }

    /**
     * The request as {@link Handshake}, with the origin sent and the subprotocol agreed (each may
     * be null); the strings a session keeps as {@code recent} has them.
     */
    static Handshake handshake(HttpServletRequest request, Recent recent, URI uri, String origin, String subprotocol,
            String protocol) {
        return new Handshake(uri, recent.string(origin), subprotocol, headers(request, recent), request.getUserPrincipal(),
                recent.address(request.getRemoteAddr(), request.getRemotePort()), sessionAttributes(request),
                protocol);
    }

    /**
     * Key3 sent as a body with {@code Content-Length: 8}. It must be read here: Tomcat swallows
     * a request body the servlet leaves unread. Returns fewer than 8 bytes when the body ended early.
     */
    static byte[] bodyKey3(HttpServletRequest request) throws IOException {
        InputStream body = request.getInputStream();
        return body.readNBytes(OpeningHandshake.KEY3_LENGTH);
    }

    /** The attributes of the client's HttpSession, if it has one; a session is never created here. */
    private static Map<String, Object> sessionAttributes(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Map.of();
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String name : Collections.list(session.getAttributeNames())) {
            Object value = session.getAttribute(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        return Collections.unmodifiableMap(attributes);
    }

    private static Map<String, List<String>> headers(HttpServletRequest request, Recent recent) {
        List<String> namesAndValues = new ArrayList<>(32);
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                namesAndValues.add(recent.string(name));
                namesAndValues.add(recent.string(values.nextElement()));
            }
        }
        return new HeaderFields(namesAndValues);
    }
}
