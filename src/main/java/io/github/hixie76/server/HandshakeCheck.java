package io.github.hixie76.server;

import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.util.ArrayList;
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
    sealed interface Verdict permits Accepted, AcceptedRfc6455, Refusal {
    }

    /** An RFC 6455 request to hand to the container; {@code origin} and {@code subprotocol} may be null. */
    record AcceptedRfc6455(String origin, String subprotocol) implements Verdict {
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
        Refusal refusal = checkRequestLine(method, protocol, headers, "a hixie-76 WebSocket", "hixie-76");
        if (refusal != null) {
            return refusal;
        }
        OpeningHandshake.Request request;
        try {
            request = OpeningHandshake.validate(headers);
        } catch (ProtocolException e) {
            boolean otherDraft = e.getMessage().startsWith("hixie-75") || e.getMessage().startsWith("RFC 6455");
            return new Refusal(400, otherDraft ? "other-draft" : "malformed", e.getMessage());
        }
        refusal = checkPolicy(request.origin(), request.subprotocol() == null ? List.of() : List.of(request.subprotocol()),
                config, connections);
        return refusal != null ? refusal : key3(request, headers);
    }

    /**
     * The same rules for an RFC 6455 request, before the container checks its own fields
     * (RFC 6455 §4.2.1): the method, HTTP/1.1, a Host, the origin policy (a request without
     * Origin, from a non-browser client, passes only where any origin may connect), the
     * subprotocol policy over the comma-separated values it offers, and the connection limit,
     * counted across both protocols.
     */
    static Verdict checkRfc6455(String method, String protocol, Function<String, List<String>> headers,
            EndpointConfig config, int connections) {
        Refusal refusal = checkRequestLine(method, protocol, headers, "an RFC 6455 WebSocket", "RFC 6455");
        if (refusal != null) {
            return refusal;
        }
        List<String> origins = headers.apply("Origin");
        String origin = origins.isEmpty() ? null : origins.get(0);
        List<String> offered = new ArrayList<>();
        for (String value : headers.apply("Sec-WebSocket-Protocol")) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    offered.add(token.trim());
                }
            }
        }
        refusal = checkPolicy(origin, offered, config, connections);
        if (refusal != null) {
            return refusal;
        }
        String agreed = offered.stream().filter(config::accepts).findFirst().orElse(null);
        return new AcceptedRfc6455(origin, agreed);
    }

    private static Refusal checkRequestLine(String method, String protocol, Function<String, List<String>> headers,
            String socketName, String protocolName) {
        if (!"GET".equals(method)) {
            return new Refusal(405, "method", socketName + " opens with GET");
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return new Refusal(400, "http-version", protocolName + " needs HTTP/1.1, got " + protocol);
        }
        if (headers.apply("Host").isEmpty()) {
            return Refusal.malformed("missing Host header");
        }
        return null;
    }

    /** The origin allow-list (null: no Origin sent), the subprotocols offered, and the connection limit. */
    private static Refusal checkPolicy(String origin, List<String> offered, EndpointConfig config, int connections) {
        if (origin == null ? !config.allowedOrigins().isEmpty() : !config.allowsOrigin(origin)) {
            return new Refusal(403, "origin", origin == null ? "a request without Origin is not allowed here"
                    : "origin '" + origin + "' is not allowed here");
        }
        if (!offered.isEmpty() && offered.stream().noneMatch(config::accepts)) {
            return new Refusal(400, "subprotocol", "subprotocol '" + String.join(", ", offered)
                    + "' is not served here; try one of " + config.subprotocols());
        }
        if (connections >= config.maxConnections()) {
            return new Refusal(503, "capacity", "this endpoint is at its limit of " + config.maxConnections()
                    + " connections; try again later");
        }
        return null;
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
