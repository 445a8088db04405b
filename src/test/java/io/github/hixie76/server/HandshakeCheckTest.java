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
        Map<String, List<String>> headers = example();
        headers.remove("host");
        assertRefused(400, "malformed", "missing Host header", check(headers, OPEN, 0));
    }

    @Test
    void otherDraftsAreCountedApart() {
        Map<String, List<String>> rfc6455 = example();
        rfc6455.remove("sec-websocket-key1");
        rfc6455.remove("sec-websocket-key2");
        rfc6455.put("sec-websocket-version", List.of("13"));
        assertRefused(400, "other-draft", "RFC 6455 request (Sec-WebSocket-Version 13): only hixie-76 is served here",
                check(rfc6455, OPEN, 0));
        Map<String, List<String>> hixie75 = example();
        hixie75.remove("sec-websocket-key1");
        hixie75.remove("sec-websocket-key2");
        assertRefused(400, "other-draft", "hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here",
                check(hixie75, OPEN, 0));
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
        // Everything wrong at once: each fix reveals the next rule.
        EndpointConfig strict = EndpointConfig.fromParameters(name -> switch (name) {
            case "allowedOrigins" -> "https://app.example";
            case "subprotocols" -> "chat";
            case "maxConnections" -> "0";
            default -> null;
        });
        Map<String, List<String>> headers = example();
        headers.put("content-length", List.of("3"));
        List<String> kinds = new ArrayList<>();
        kinds.add(((Refusal) check(headers, strict, 0)).kind());
        headers.put("origin", List.of("https://app.example"));
        kinds.add(((Refusal) check(headers, strict, 0)).kind());
        headers.put("sec-websocket-protocol", List.of("chat"));
        kinds.add(((Refusal) check(headers, strict, 0)).kind());
        assertEquals(List.of("origin", "subprotocol", "capacity"), kinds);
    }
}
