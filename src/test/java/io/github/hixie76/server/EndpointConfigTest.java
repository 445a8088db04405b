package io.github.hixie76.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointConfigTest {

    /** A config from one parameter; every other one unset. */
    private static EndpointConfig from(String name, String value) {
        return EndpointConfig.fromParameters(Map.of(name, value)::get);
    }

    private static void assertRejected(String message, String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(name, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void defaults() {
        EndpointConfig config = EndpointConfig.fromParameters(name -> null);
        assertEquals(1048576, config.maxMessageSize());
        assertEquals(4194304L, config.maxOutboundBytes());
        assertEquals(Duration.ofSeconds(10), config.handshakeTimeout());
        assertEquals(Duration.ofSeconds(5), config.closeTimeout());
        assertEquals(List.of(), config.subprotocols());
        assertEquals(EndpointConfig.DEFAULTS, config);
    }

    @Test
    void eachParameter() {
        assertEquals(65536, from("maxMessageSize", "65536").maxMessageSize());
        assertEquals(10_000_000_000L, from("maxOutboundBytes", "10000000000").maxOutboundBytes());
        assertEquals(Duration.ofMillis(2500), from("handshakeTimeoutMs", "2500").handshakeTimeout());
        assertEquals(Duration.ofMillis(750), from("closeTimeoutMs", "750").closeTimeout());
        assertEquals(List.of("chat"), from("subprotocols", "chat").subprotocols());
    }

    @Test
    void oneParameterLeavesTheOthersAtTheirDefaults() {
        assertEquals(EndpointConfig.builder().maxMessageSize(1024).build(), from("maxMessageSize", "1024"));
    }

    @Test
    void allParametersTogether() {
        Map<String, String> parameters = Map.of(
                "maxMessageSize", "100",
                "maxOutboundBytes", "200",
                "handshakeTimeoutMs", "300",
                "closeTimeoutMs", "400",
                "subprotocols", "a,b");
        EndpointConfig expected = EndpointConfig.builder().maxMessageSize(100).maxOutboundBytes(200L)
                .handshakeTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofMillis(400))
                .subprotocols(List.of("a", "b")).build();
        assertEquals(expected, EndpointConfig.fromParameters(parameters::get));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(4096, from("maxMessageSize", " 4096\t").maxMessageSize());
    }

    @Test
    void limitsMayBeZeroOrTheirTypeMaximum() {
        assertEquals(0, from("maxMessageSize", "0").maxMessageSize());
        assertEquals(Integer.MAX_VALUE, from("maxMessageSize", "2147483647").maxMessageSize());
        assertEquals(0L, from("maxOutboundBytes", "0").maxOutboundBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "\t"})
    void blankMeansDefault(String blank) {
        assertEquals(1048576, from("maxMessageSize", blank).maxMessageSize());
        assertEquals(4194304L, from("maxOutboundBytes", blank).maxOutboundBytes());
        assertEquals(Duration.ofSeconds(10), from("handshakeTimeoutMs", blank).handshakeTimeout());
        assertEquals(Duration.ofSeconds(5), from("closeTimeoutMs", blank).closeTimeout());
        assertEquals(List.of(), from("subprotocols", blank).subprotocols());
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', value = {
        "maxMessageSize     | abc",
        "maxMessageSize     | 1.5",
        "maxMessageSize     | 1e6",
        "maxMessageSize     | -1",
        "maxMessageSize     | 2147483648",
        "maxOutboundBytes   | 4MB",
        "maxOutboundBytes   | -5",
        "maxOutboundBytes   | 99999999999999999999",
        "handshakeTimeoutMs | 10s",
        "handshakeTimeoutMs | -1",
        "closeTimeoutMs     | five",
        "closeTimeoutMs     | -1000",
    })
    void malformedOrNegativeValuesNameTheParameter(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(name, value));
        assertTrue(e.getMessage().startsWith("parameter " + name + " must be a whole number from "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", got '" + value + "'"), e.getMessage());
    }

    @Test
    void exactMessages() {
        assertRejected("parameter maxMessageSize must be a whole number from 0 to 2147483647, got '-1'",
                "maxMessageSize", "-1");
        assertRejected("parameter maxOutboundBytes must be a whole number from 0 to 9223372036854775807, got 'x'",
                "maxOutboundBytes", "x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"handshakeTimeoutMs", "closeTimeoutMs"})
    void zeroTimeoutNamesTheParameter(String name) {
        assertRejected("parameter " + name + " must be a whole number from 1 to 9223372036854775807, got '0'",
                name, "0");
    }

    @Test
    void subprotocolListIsCommaSeparatedAndTrimmed() {
        assertEquals(List.of("chat", "superchat", "echo"), from("subprotocols", "chat, superchat ,  echo").subprotocols());
        assertEquals(List.of("a", "b"), from("subprotocols", " , a,,b , ").subprotocols());
        assertEquals(List.of(), from("subprotocols", " , ,").subprotocols());
        assertEquals(List.of("my proto"), from("subprotocols", " my proto ").subprotocols());  // inner space is part of the value
    }

    @Test
    void subprotocolListIsImmutableAndCopied() {
        List<String> source = new ArrayList<>(List.of("chat"));
        EndpointConfig config = EndpointConfig.builder().subprotocols(source).build();
        source.add("other");
        assertEquals(List.of("chat"), config.subprotocols());
        assertThrows(UnsupportedOperationException.class, () -> config.subprotocols().add("x"));
    }

    @Test
    void buildChecksItsValues() {
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
                () -> EndpointConfig.builder().maxMessageSize(-1).build());
        assertEquals("limits must be >= 0", limit.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> EndpointConfig.builder().closeTimeout(Duration.ZERO).build());
        assertEquals("timeouts must be > 0 (the idle timeout >= 0, 0 meaning none)", timeout.getMessage());
        IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
                () -> EndpointConfig.builder().idleTimeout(Duration.ofMillis(-1)).build());
        assertEquals("timeouts must be > 0 (the idle timeout >= 0, 0 meaning none)", idle.getMessage());
    }

    @Test
    void builderSetsEveryField() {
        EndpointConfig config = EndpointConfig.builder()
                .maxMessageSize(11)
                .maxOutboundBytes(22L)
                .handshakeTimeout(Duration.ofMillis(33))
                .closeTimeout(Duration.ofMillis(44))
                .subprotocols(List.of("chat"))
                .allowedOrigins(List.of("http://app.example"))
                .maxConnections(55)
                .idleTimeout(Duration.ofMillis(66))
                .build();
        assertEquals(new EndpointConfig(11, 22L, Duration.ofMillis(33), Duration.ofMillis(44), List.of("chat"),
                List.of("http://app.example"), 55, Duration.ofMillis(66)), config);
    }

    @Test
    void builderStartsFromTheDefaults() {
        assertEquals(EndpointConfig.DEFAULTS, EndpointConfig.builder().build());
    }

    @Test
    void toBuilderKeepsEveryValueAndChangesOnlyWhatIsSet() {
        EndpointConfig config = from("allowedOrigins", "http://a.example").toBuilder().maxConnections(3)
                .idleTimeout(Duration.ofSeconds(7)).subprotocols(List.of("x")).build();
        assertEquals(config, config.toBuilder().build());
        EndpointConfig changed = config.toBuilder().maxOutboundBytes(9L).build();
        assertEquals(new EndpointConfig(config.maxMessageSize(), 9L, config.handshakeTimeout(), config.closeTimeout(),
                List.of("x"), List.of("http://a.example"), 3, Duration.ofSeconds(7)), changed);
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedWithersAndConstructorGiveWhatTheBuilderGives() {
        EndpointConfig base = from("maxMessageSize", "123");
        assertEquals(base.toBuilder().allowedOrigins(List.of("null")).build(),
                base.withAllowedOrigins(List.of("null")));
        assertEquals(base.toBuilder().maxConnections(9).build(), base.withMaxConnections(9));
        assertEquals(base.toBuilder().idleTimeout(Duration.ofSeconds(2)).build(),
                base.withIdleTimeout(Duration.ofSeconds(2)));
        assertEquals(EndpointConfig.builder().maxMessageSize(1).maxOutboundBytes(2L)
                .handshakeTimeout(Duration.ofMillis(3)).closeTimeout(Duration.ofMillis(4)).subprotocols(List.of("a"))
                .build(),
                new EndpointConfig(1, 2L, Duration.ofMillis(3), Duration.ofMillis(4), List.of("a")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> base.withMaxConnections(-1));
        assertEquals("limits must be >= 0", refused.getMessage());
    }

    @Test
    void readsTheHardeningParameters() {
        EndpointConfig config = EndpointConfig.fromParameters(Map.of("allowedOrigins", "http://a.example, null",
                "maxConnections", "7", "idleTimeoutMs", "1500")::get);
        assertEquals(List.of("http://a.example", "null"), config.allowedOrigins());
        assertEquals(7, config.maxConnections());
        assertEquals(Duration.ofMillis(1500), config.idleTimeout());
        assertEquals(List.of(), EndpointConfig.DEFAULTS.allowedOrigins());
        assertEquals(10_000, EndpointConfig.DEFAULTS.maxConnections());
        assertEquals(Duration.ZERO, EndpointConfig.DEFAULTS.idleTimeout());
    }

    @Test
    void anyOriginWithoutAnAllowList() {
        assertTrue(EndpointConfig.DEFAULTS.allowsOrigin("http://evil.example"));
        assertTrue(EndpointConfig.DEFAULTS.allowsOrigin("null"));
    }

    @Test
    void originsAreComparedExactlyWithNullAndFileDeliberate() {
        EndpointConfig config = EndpointConfig.builder()
                .allowedOrigins(List.of("http://app.example", "null", "file://")).build();
        List<String> origins = List.of("http://app.example", "HTTP://APP.EXAMPLE", "http://app.example:8080",
                "http://app.example.evil.example", "null", "file://", "file:///home/kiosk/index.html");
        assertEquals(List.of("http://app.example", "HTTP://APP.EXAMPLE", "null", "file://", "file:///home/kiosk/index.html"),
                origins.stream().filter(config::allowsOrigin).toList());
        EndpointConfig strict = EndpointConfig.builder().allowedOrigins(List.of("http://app.example")).build();
        assertFalse(strict.allowsOrigin("null"));
        assertFalse(strict.allowsOrigin("file://"));
    }

    @Test
    void nullSubprotocolIsAlwaysAccepted() {
        assertTrue(EndpointConfig.DEFAULTS.accepts(null));
        assertTrue(from("subprotocols", "chat").accepts(null));
    }

    @Test
    void emptyListAcceptsAnything() {
        assertTrue(EndpointConfig.DEFAULTS.accepts("chat"));
        assertTrue(EndpointConfig.DEFAULTS.accepts(""));
        assertTrue(EndpointConfig.DEFAULTS.accepts("anything at all"));
    }

    @Test
    void listAcceptsExactMembersOnly() {
        EndpointConfig config = from("subprotocols", "chat,superchat");
        List<String> offers = List.of("chat", "superchat", "Chat", "chat ", "cha", "chat,superchat", "");
        assertEquals(List.of("chat", "superchat"), offers.stream().filter(config::accepts).toList());
    }

    // ---- protocols

    @Test
    void protocolsDefaultToNoneNamedSoTheMountsDefaultApplies() {
        assertEquals(List.of(), EndpointConfig.DEFAULTS.protocols());
        assertEquals(List.of("hixie-76"), EndpointConfig.DEFAULTS.protocolsOr(List.of("hixie-76")));
    }

    @Test
    void protocolsParameterIsCommaSeparatedAndTrimmed() {
        assertEquals(List.of("hixie-76", "rfc6455"), from("protocols", " hixie-76 , rfc6455 ").protocols());
        assertEquals(List.of("rfc6455"), from("protocols", "rfc6455,").protocols());
        assertEquals(List.of("rfc6455"), from("protocols", "rfc6455").protocolsOr(List.of("hixie-76")));
        assertEquals(List.of(), from("protocols", " ").protocols());
    }

    @Test
    void anUnknownProtocolIsRejectedNamingTheParameter() {
        assertRejected("parameter protocols: unknown protocol 'rfc-6455'; expected hixie-76 or rfc6455",
                "protocols", "hixie-76, rfc-6455");
        assertRejected("parameter protocols: unknown protocol 'RFC6455'; expected hixie-76 or rfc6455",
                "protocols", "RFC6455");
    }

    @Test
    void builderSetsProtocolsAndChecksThem() {
        assertEquals(List.of("rfc6455"), EndpointConfig.builder().protocols(List.of("rfc6455")).build().protocols());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndpointConfig.builder().protocols(List.of("hixie-75")).build());
        assertEquals("parameter protocols: unknown protocol 'hixie-75'; expected hixie-76 or rfc6455", e.getMessage());
        EndpointConfig both = from("protocols", "hixie-76,rfc6455");
        assertEquals(both, both.toBuilder().build());
        assertEquals(List.of("hixie-76"), both.toBuilder().protocols(List.of("hixie-76")).build().protocols());
    }

    @Test
    @SuppressWarnings("deprecation")
    void theConstructorWithoutProtocolsLeavesThemToTheMount() {
        EndpointConfig config = new EndpointConfig(1, 2, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(),
                List.of(), 3, Duration.ZERO);
        assertEquals(List.of(), config.protocols());
    }
}
