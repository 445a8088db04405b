package io.github.hixie76.server;

import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.util.List;
import java.util.function.Function;

/**
 * Every rule a request must meet before the upgrade, in the order a client is told about
 * them: the method, HTTP/1.1, a Host, the draft's fields (§5.1–§5.2, through
 * {@link OpeningHandshake#validate}), the origin policy, the subprotocol policy, the
 * connection limit, and how key3 comes (after the headers, or as a body of exactly 8 bytes).
 * Pure: it reads the request's fields and answers; nothing is written or counted here.
 * Stateless and thread-safe.
 */
final class HandshakeCheck {

    /** What the check says of a request. */
    sealed interface Verdict permits Accepted, Refusal {
    }

    /** A request to upgrade; {@code key3InBody}: key3 comes as a body with {@code Content-Length: 8}. */
    record Accepted(OpeningHandshake.Request request, boolean key3InBody) implements Verdict {
    }

    private HandshakeCheck() {
    }

    /**
     * @param method the request method
     * @param protocol the request's HTTP version, as {@code HTTP/1.1}
     * @param headers every value of a header (case-insensitive name), or an empty list
     * @param connections the endpoint's connections now, for its limit
     */
    static Verdict check(String method, String protocol, Function<String, List<String>> headers, EndpointConfig config,
            int connections) {
        if (!"GET".equals(method)) {
            return new Refusal(405, "method", "a hixie-76 WebSocket opens with GET");
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return new Refusal(400, "http-version", "hixie-76 needs HTTP/1.1, got " + protocol);
        }
        if (headers.apply("Host").isEmpty()) {
            return Refusal.malformed("missing Host header");
        }
        OpeningHandshake.Request request;
        try {
            request = OpeningHandshake.validate(headers);
        } catch (ProtocolException e) {
            boolean otherDraft = e.getMessage().startsWith("hixie-75") || e.getMessage().startsWith("RFC 6455");
            return new Refusal(400, otherDraft ? "other-draft" : "malformed", e.getMessage());
        }
        if (!config.allowsOrigin(request.origin())) {
            return new Refusal(403, "origin", "origin '" + request.origin() + "' is not allowed here");
        }
        if (!config.accepts(request.subprotocol())) {
            return new Refusal(400, "subprotocol", "subprotocol '" + request.subprotocol()
                    + "' is not served here; try one of " + config.subprotocols());
        }
        if (connections >= config.maxConnections()) {
            return new Refusal(503, "capacity", "this endpoint is at its limit of " + config.maxConnections()
                    + " connections; try again later");
        }
        return key3(request, headers);
    }

    /**
     * Key3 follows the headers without a Content-Length (browsers), or is sent as a body with
     * {@code Content-Length: 8} (Netty's client); nothing else is key3.
     */
    private static Verdict key3(OpeningHandshake.Request request, Function<String, List<String>> headers) {
        if (!headers.apply("Transfer-Encoding").isEmpty()) {
            return Refusal.malformed("key3 must not be sent with Transfer-Encoding");
        }
        List<String> lengths = headers.apply("Content-Length");
        long length = lengths.size() == 1 ? number(lengths.get(0)) : lengths.isEmpty() ? 0 : -1;
        if (length == 0) {
            return new Accepted(request, false);
        }
        if (length != OpeningHandshake.KEY3_LENGTH) {
            return Refusal.malformed("Content-Length must be 8 (key3) or absent, got " + String.join(", ", lengths));
        }
        return new Accepted(request, true);
    }

    /** A Content-Length value, or -1 when it is not a number. */
    private static long number(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
