package io.github.hixie76.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The limits and policies of one endpoint. Immutable and thread-safe.
 *
 * <p>Built in code by {@link #builder()}, or from parameters by {@link #fromParameters}; each
 * name below is a servlet init-param, or a context-param with the prefix {@code hixie76.} that
 * applies to every endpoint of the application:
 *
 * <table>
 * <caption>Parameters</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>maxMessageSize</td><td>1048576</td><td>bytes in one incoming frame; more fails the connection</td></tr>
 * <tr><td>maxOutboundBytes</td><td>4194304</td><td>bytes queued for one slow peer; more disconnects it</td></tr>
 * <tr><td>handshakeTimeoutMs</td><td>10000</td><td>wait for the 8 bytes of key3 after the headers</td></tr>
 * <tr><td>closeTimeoutMs</td><td>5000</td><td>wait for the peer's {@code FF 00} after the server's</td></tr>
 * <tr><td>subprotocols</td><td>(empty)</td><td>comma-separated accepted values of Sec-WebSocket-Protocol;
 *     empty accepts and echoes whatever the client asks</td></tr>
 * <tr><td>allowedOrigins</td><td>(empty: any)</td><td>comma-separated origins allowed to connect, compared
 *     exactly (ignoring case); {@code null} admits the literal origin "null" (sandboxed pages, some
 *     devices), {@code file://} admits every file: origin; others get 403</td></tr>
 * <tr><td>maxConnections</td><td>10000</td><td>connections of this endpoint at once, from the upgrade
 *     to the close; more are answered 503 before any upgrade</td></tr>
 * <tr><td>idleTimeoutMs</td><td>0 (off)</td><td>close a connection on which nothing was read or written
 *     for this long (hixie-76 has no ping, so clients that want to stay must send)</td></tr>
 * <tr><td>protocols</td><td>(empty: both on a servlet, hixie-76 in a filter)</td><td>comma-separated
 *     protocols served: {@code hixie-76} (this project's engine) and {@code rfc6455} (through the
 *     container's {@code jakarta.websocket}); a request for another gets 400 naming those served</td></tr>
 * </table>
 */
public record EndpointConfig(int maxMessageSize, long maxOutboundBytes, Duration handshakeTimeout,
        Duration closeTimeout, List<String> subprotocols, List<String> allowedOrigins, int maxConnections,
        Duration idleTimeout, List<String> protocols) {

    /** The protocols {@code protocols} may name. */
    public static final List<String> PROTOCOLS = List.of("hixie-76", "rfc6455");

    public static final EndpointConfig DEFAULTS = new EndpointConfig(1 << 20, 4L << 20,
            Duration.ofSeconds(10), Duration.ofSeconds(5), List.of(), List.of(), 10_000, Duration.ZERO, List.of());

    public EndpointConfig {
        if (maxMessageSize < 0 || maxOutboundBytes < 0 || maxConnections < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                || closeTimeout.isNegative() || closeTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be > 0 (the idle timeout >= 0, 0 meaning none)");
        }
        subprotocols = List.copyOf(subprotocols);
        allowedOrigins = List.copyOf(allowedOrigins);
        protocols = List.copyOf(protocols);
        for (String protocol : protocols) {
            if (!PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("parameter protocols: unknown protocol '" + protocol + "'; expected "
                        + String.join(" or ", PROTOCOLS));
            }
        }
    }

    /**
     * The values before {@code protocols} existed: every protocol the mount serves by default.
     *
     * @deprecated use {@link #builder()}, which names each value
     */
    @Deprecated
    public EndpointConfig(int maxMessageSize, long maxOutboundBytes, Duration handshakeTimeout, Duration closeTimeout,
            List<String> subprotocols, List<String> allowedOrigins, int maxConnections, Duration idleTimeout) {
        this(maxMessageSize, maxOutboundBytes, handshakeTimeout, closeTimeout, subprotocols, allowedOrigins,
                maxConnections, idleTimeout, List.of());
    }

    /**
     * The limits of the first releases; the later fields keep their defaults.
     *
     * @deprecated use {@link #builder()}, which names each value
     */
    @Deprecated
    public EndpointConfig(int maxMessageSize, long maxOutboundBytes, Duration handshakeTimeout, Duration closeTimeout,
            List<String> subprotocols) {
        this(builder().maxMessageSize(maxMessageSize).maxOutboundBytes(maxOutboundBytes)
                .handshakeTimeout(handshakeTimeout).closeTimeout(closeTimeout).subprotocols(subprotocols));
    }

    private EndpointConfig(Builder b) {
        this(b.maxMessageSize, b.maxOutboundBytes, b.handshakeTimeout, b.closeTimeout, b.subprotocols, b.allowedOrigins,
                b.maxConnections, b.idleTimeout, b.protocols);
    }

    /** A builder that starts from {@link #DEFAULTS}. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder that starts from this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @deprecated use {@code toBuilder().allowedOrigins(origins).build()} */
    @Deprecated
    public EndpointConfig withAllowedOrigins(List<String> origins) {
        return toBuilder().allowedOrigins(origins).build();
    }

    /** @deprecated use {@code toBuilder().maxConnections(connections).build()} */
    @Deprecated
    public EndpointConfig withMaxConnections(int connections) {
        return toBuilder().maxConnections(connections).build();
    }

    /** @deprecated use {@code toBuilder().idleTimeout(timeout).build()} */
    @Deprecated
    public EndpointConfig withIdleTimeout(Duration timeout) {
        return toBuilder().idleTimeout(timeout).build();
    }

    /** Whether a client with this Origin may connect. */
    public boolean allowsOrigin(String origin) {
        if (allowedOrigins.isEmpty()) {
            return true;
        }
        for (String allowed : allowedOrigins) {
            boolean files = allowed.equalsIgnoreCase("file://") && origin.regionMatches(true, 0, "file://", 0, 7);
            if (files || allowed.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the parameters through {@code parameter} (name to value, or null when unset);
     * unset ones keep their defaults. A malformed value throws IllegalArgumentException naming it.
     */
    public static EndpointConfig fromParameters(Function<String, String> parameter) {
        EndpointConfig d = DEFAULTS;
        return new EndpointConfig(
                (int) number(parameter, "maxMessageSize", d.maxMessageSize, 0, Integer.MAX_VALUE),
                number(parameter, "maxOutboundBytes", d.maxOutboundBytes, 0, Long.MAX_VALUE),
                Duration.ofMillis(number(parameter, "handshakeTimeoutMs", d.handshakeTimeout.toMillis(), 1, Long.MAX_VALUE)),
                Duration.ofMillis(number(parameter, "closeTimeoutMs", d.closeTimeout.toMillis(), 1, Long.MAX_VALUE)),
                list(parameter.apply("subprotocols")),
                list(parameter.apply("allowedOrigins")),
                (int) number(parameter, "maxConnections", d.maxConnections, 0, Integer.MAX_VALUE),
                Duration.ofMillis(number(parameter, "idleTimeoutMs", d.idleTimeout.toMillis(), 0, Long.MAX_VALUE)),
                list(parameter.apply("protocols")));
    }

    /** The protocols served: those configured, or {@code fallback} (the mount's default) when none are. */
    List<String> protocolsOr(List<String> fallback) {
        return protocols.isEmpty() ? fallback : protocols;
    }

    /** Whether a requested subprotocol (null: none requested) may be agreed. */
    public boolean accepts(String subprotocol) {
        return subprotocol == null || subprotocols.isEmpty() || subprotocols.contains(subprotocol);
    }

    private static long number(Function<String, String> parameter, String name, long fallback, long min, long max) {
        String value = parameter.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("parameter " + name + " must be a whole number from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Collects the values of one config; {@link #build()} checks them as the record's
     * constructor does. A setter per record component, named as it is. Not thread-safe: one
     * thread fills a builder.
     */
    public static final class Builder {
        private int maxMessageSize;
        private long maxOutboundBytes;
        private Duration handshakeTimeout;
        private Duration closeTimeout;
        private List<String> subprotocols;
        private List<String> allowedOrigins;
        private int maxConnections;
        private Duration idleTimeout;
        private List<String> protocols;

        private Builder(EndpointConfig from) {
            maxMessageSize = from.maxMessageSize;
            maxOutboundBytes = from.maxOutboundBytes;
            handshakeTimeout = from.handshakeTimeout;
            closeTimeout = from.closeTimeout;
            subprotocols = from.subprotocols;
            allowedOrigins = from.allowedOrigins;
            maxConnections = from.maxConnections;
            idleTimeout = from.idleTimeout;
            protocols = from.protocols;
        }

        public Builder maxMessageSize(int value) {
            maxMessageSize = value;
            return this;
        }

        public Builder maxOutboundBytes(long value) {
            maxOutboundBytes = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        public Builder closeTimeout(Duration value) {
            closeTimeout = value;
            return this;
        }

        public Builder subprotocols(List<String> value) {
            subprotocols = value;
            return this;
        }

        public Builder allowedOrigins(List<String> value) {
            allowedOrigins = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        /** The protocols served ({@link #PROTOCOLS}); empty: the mount's default. */
        public Builder protocols(List<String> value) {
            protocols = value;
            return this;
        }

        /** The config of these values; IllegalArgumentException when one is out of range. */
        public EndpointConfig build() {
            return new EndpointConfig(this);
        }
    }
}
