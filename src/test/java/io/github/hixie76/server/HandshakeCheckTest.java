package io.github.hixie76.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.github.hixie76.testing.Draft;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The checks before the upgrade, fed plain values: each rule's status, metrics kind and
 * one-line reason, in the order a client is told about them.
 */
class HandshakeCheckTest {

    private static final EndpointConfig OPEN = EndpointConfig.DEFAULTS;
    /** Allows one origin and one subprotocol, and no connection. */
    private static final EndpointConfig STRICT = EndpointConfig.fromParameters(name -> switch (name) {
        case "allowedOrigins" -> "https://app.example";
        case "subprotocols" -> "chat";
        case "maxConnections" -> "0";
        default -> null;
    });

    /** The draft's example request (§1.3), header names as a container reports them. */
    private static Map<String, List<String>> example() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("example.com"));
        headers.put("connection", List.of("Upgrade"));
        headers.put("sec-websocket-key2", List.of(Draft.EXAMPLE.key2()));
        headers.put("sec-websocket-protocol", List.of("sample"));
        headers.put("upgrade", List.of("WebSocket"));
        headers.put("sec-websocket-key1", List.of(Draft.EXAMPLE.key1()));
        headers.put("origin", List.of("http://example.com"));
        return headers;
    }

    /** {@code headers} without the named fields. */
    private static Map<String, List<String>> without(Map<String, List<String>> headers, String... names) {
        for (String name : names) {
            headers.remove(name);
        }
        return headers;
    }

    private static Function<String, List<String>> view(Map<String, List<String>> headers) {
        return name -> headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    private static HandshakeCheck.Verdict check(Map<String, List<String>> headers, EndpointConfig config, int open) {
        return HandshakeCheck.check("GET", "HTTP/1.1", view(headers), config, open);
    }

    private static void assertRefused(int status, String kind, String reason, HandshakeCheck.Verdict verdict) {
        Refusal refusal = assertInstanceOf(Refusal.class, verdict);
        assertEquals(new Refusal(status, kind, reason), refusal);
    }

    @Test
    void theDraftExampleIsAcceptedWithItsKeyPartsOriginAndSubprotocol() {
        HandshakeCheck.Accepted accepted = assertInstanceOf(HandshakeCheck.Accepted.class, check(example(), OPEN, 0));
        assertEquals(Draft.EXAMPLE.part1(), accepted.request().part1());
        assertEquals(Draft.EXAMPLE.part2(), accepted.request().part2());
        assertEquals("http://example.com", accepted.request().origin());
        assertEquals("sample", accepted.request().subprotocol());
        assertEquals(false, accepted.key3InBody());
    }

    @Test
    void methodOtherThanGetIs405() {
        assertRefused(405, "method", "a hixie-76 WebSocket opens with GET",
                HandshakeCheck.check("POST", "HTTP/1.1", view(example()), OPEN, 0));
    }

    @Test
    void http10Is400NamingTheVersion() {
        assertRefused(400, "http-version", "hixie-76 needs HTTP/1.1, got HTTP/1.0",
                HandshakeCheck.check("GET", "HTTP/1.0", view(example()), OPEN, 0));
    }

    @Test
    void methodIsToldBeforeVersion() {
        assertEquals(405, assertInstanceOf(Refusal.class,
                HandshakeCheck.check("PUT", "HTTP/1.0", view(example()), OPEN, 0)).status());
    }

    @Test
    void missingHostIs400() {
        assertRefused(400, "malformed", "missing Host header", check(without(example(), "host"), OPEN, 0));
    }

    @Test
    void otherDraftsAreCountedApart() {
        Map<String, List<String>> rfc6455 = without(example(), "sec-websocket-key1", "sec-websocket-key2");
        rfc6455.put("sec-websocket-version", List.of("13"));
        assertRefused(400, "other-draft", "RFC 6455 request (Sec-WebSocket-Version 13): only hixie-76 is served here",
                check(rfc6455, OPEN, 0));
        assertRefused(400, "other-draft", "hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here",
                check(without(example(), "sec-websocket-key1", "sec-websocket-key2"), OPEN, 0));
    }

    @Test
    void aBadKeyIsMalformedWithTheProtocolsReason() {
        Map<String, List<String>> headers = example();
        headers.put("sec-websocket-key1", List.of("12345"));
        assertRefused(400, "malformed", "Sec-WebSocket-Key1: key has no spaces", check(headers, OPEN, 0));
    }

    @Test
    void originOutsideTheAllowListIs403() {
        EndpointConfig config = EndpointConfig.fromParameters(name -> name.equals("allowedOrigins") ? "https://app.example" : null);
        assertRefused(403, "origin", "origin 'http://example.com' is not allowed here", check(example(), config, 0));
    }

    @Test
    void subprotocolNotServedIs400ListingWhatIs() {
        EndpointConfig config = EndpointConfig.fromParameters(name -> name.equals("subprotocols") ? "chat, ticker" : null);
        assertRefused(400, "subprotocol", "subprotocol 'sample' is not served here; try one of [chat, ticker]",
                check(example(), config, 0));
    }

    @Test
    void atTheConnectionLimitIs503AndOneBelowIsAccepted() {
        EndpointConfig config = EndpointConfig.fromParameters(name -> name.equals("maxConnections") ? "3" : null);
        assertInstanceOf(HandshakeCheck.Accepted.class, check(example(), config, 2));
        assertRefused(503, "capacity", "this endpoint is at its limit of 3 connections; try again later",
                check(example(), config, 3));
    }

    @Test
    void key3AsABodyOfEightBytes() {
        Map<String, List<String>> headers = example();
        headers.put("content-length", List.of("8"));
        assertEquals(true, assertInstanceOf(HandshakeCheck.Accepted.class, check(headers, OPEN, 0)).key3InBody());
        headers.put("content-length", List.of("0"));
        assertEquals(false, assertInstanceOf(HandshakeCheck.Accepted.class, check(headers, OPEN, 0)).key3InBody());
    }

    @Test
    void anyOtherBodyIsMalformed() {
        for (String length : List.of("7", "9", "eight")) {
            Map<String, List<String>> headers = example();
            headers.put("content-length", List.of(length));
            assertRefused(400, "malformed", "Content-Length must be 8 (key3) or absent, got " + length,
                    check(headers, OPEN, 0));
        }
        Map<String, List<String>> chunked = example();
        chunked.put("transfer-encoding", List.of("chunked"));
        assertRefused(400, "malformed", "key3 must not be sent with Transfer-Encoding", check(chunked, OPEN, 0));
    }

    @Test
    void rulesComeInTheOrderClientsAreToldThem() {
        Map<String, List<String>> headers = example();
        headers.put("content-length", List.of("3"));
        assertRulesInOrder(headers, wrong -> check(wrong, STRICT, 0));
    }

    /**
     * {@code headers} break every rule of {@link #STRICT} at once; each fix reveals the next
     * rule, in the order clients are told them: origin, subprotocol, capacity.
     */
    private static void assertRulesInOrder(Map<String, List<String>> headers,
            Function<Map<String, List<String>>, HandshakeCheck.Verdict> check) {
        List<String> kinds = new ArrayList<>();
        kinds.add(((Refusal) check.apply(headers)).kind());
        headers.put("origin", List.of("https://app.example"));
        kinds.add(((Refusal) check.apply(headers)).kind());
        headers.put("sec-websocket-protocol", List.of("chat"));
        kinds.add(((Refusal) check.apply(headers)).kind());
        assertEquals(List.of("origin", "subprotocol", "capacity"), kinds);
    }

    // ---- RFC 6455: the same rules before the container's upgrade

    /** RFC 6455 §1.3's example request, without Origin (a non-browser client's). */
    private static Map<String, List<String>> rfc6455() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("server.example.com"));
        headers.put("upgrade", List.of("websocket"));
        headers.put("connection", List.of("Upgrade"));
        headers.put("sec-websocket-key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        headers.put("sec-websocket-version", List.of("13"));
        return headers;
    }

    private static HandshakeCheck.Verdict checkRfc6455(Map<String, List<String>> headers, EndpointConfig config,
            int connections) {
        return HandshakeCheck.checkRfc6455("GET", "HTTP/1.1", view(headers), config, connections);
    }

    private static EndpointConfig config(String name, String value) {
        return EndpointConfig.fromParameters(Map.of(name, value)::get);
    }

    @Test
    void rfc6455WithoutOriginIsAcceptedWhereAnyOriginMayConnect() {
        assertEquals(new HandshakeCheck.AcceptedRfc6455(null, null), checkRfc6455(rfc6455(), OPEN, 0));
    }

    @Test
    void rfc6455WithoutOriginIs403WhereAnAllowListIsSet() {
        assertRefused(403, "origin", "a request without Origin is not allowed here",
                checkRfc6455(rfc6455(), config("allowedOrigins", "https://app.example"), 0));
    }

    @Test
    void rfc6455OriginIsCheckedAgainstTheAllowListAndKept() {
        EndpointConfig guarded = config("allowedOrigins", "https://app.example");
        Map<String, List<String>> headers = rfc6455();
        headers.put("origin", List.of("https://app.example"));
        assertEquals(new HandshakeCheck.AcceptedRfc6455("https://app.example", null), checkRfc6455(headers, guarded, 0));
        headers.put("origin", List.of("https://evil.example"));
        assertRefused(403, "origin", "origin 'https://evil.example' is not allowed here", checkRfc6455(headers, guarded, 0));
    }

    @Test
    void rfc6455AgreesTheFirstOfferedSubprotocolThatIsServed() {
        EndpointConfig served = config("subprotocols", "a,b");
        Map<String, List<String>> headers = rfc6455();
        headers.put("sec-websocket-protocol", List.of("x, b"));
        assertEquals("b", ((HandshakeCheck.AcceptedRfc6455) checkRfc6455(headers, served, 0)).subprotocol());
        headers.put("sec-websocket-protocol", List.of("b,a"));
        assertEquals("b", ((HandshakeCheck.AcceptedRfc6455) checkRfc6455(headers, served, 0)).subprotocol());
        headers.put("sec-websocket-protocol", List.of("x", " ,a "));
        assertEquals("a", ((HandshakeCheck.AcceptedRfc6455) checkRfc6455(headers, served, 0)).subprotocol());
    }

    @Test
    void rfc6455WithoutAListOfSubprotocolsAgreesTheFirstOffered() {
        Map<String, List<String>> headers = rfc6455();
        headers.put("sec-websocket-protocol", List.of("chat, superchat"));
        assertEquals(new HandshakeCheck.AcceptedRfc6455(null, "chat"), checkRfc6455(headers, OPEN, 0));
    }

    @Test
    void rfc6455OfferingNoServedSubprotocolIs400ListingEveryOffer() {
        Map<String, List<String>> headers = rfc6455();
        headers.put("sec-websocket-protocol", List.of("x, y"));
        assertRefused(400, "subprotocol", "subprotocol 'x, y' is not served here; try one of [a, b]",
                checkRfc6455(headers, config("subprotocols", "a,b"), 0));
    }

    @Test
    void rfc6455OfferingNoSubprotocolIsAcceptedWhereSomeAreListed() {
        assertEquals(new HandshakeCheck.AcceptedRfc6455(null, null),
                checkRfc6455(rfc6455(), config("subprotocols", "a,b"), 0));
    }

    @Test
    void rfc6455AtTheConnectionLimitIs503() {
        EndpointConfig capped = config("maxConnections", "2");
        assertInstanceOf(HandshakeCheck.AcceptedRfc6455.class, checkRfc6455(rfc6455(), capped, 1));
        assertRefused(503, "capacity", "this endpoint is at its limit of 2 connections; try again later",
                checkRfc6455(rfc6455(), capped, 2));
    }

    @Test
    void rfc6455MethodVersionAndHostSayWhichProtocol() {
        assertRefused(405, "method", "an RFC 6455 WebSocket opens with GET",
                HandshakeCheck.checkRfc6455("POST", "HTTP/1.1", view(rfc6455()), OPEN, 0));
        assertRefused(400, "http-version", "RFC 6455 needs HTTP/1.1, got HTTP/1.0",
                HandshakeCheck.checkRfc6455("GET", "HTTP/1.0", view(rfc6455()), OPEN, 0));
        assertRefused(400, "malformed", "missing Host header", checkRfc6455(without(rfc6455(), "host"), OPEN, 0));
    }

    @Test
    void rfc6455RulesComeInTheSameOrder() {
        Map<String, List<String>> headers = rfc6455();
        headers.put("sec-websocket-protocol", List.of("other"));
        assertRulesInOrder(headers, wrong -> checkRfc6455(wrong, STRICT, 0));
    }
}
