package io.github.hixie76.server;

import io.github.hixie76.engine.EndpointContext;
import io.github.hixie76.relay.Opening;
import io.github.hixie76.relay.Relay;
import io.github.hixie76.relay.RelayTarget;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The container edge of a {@link Relay}: turns an accepted hixie-76 request into the backend's
 * URI (a path target through the connector that took the request, in the same context) and the
 * headers it forwards, asks the relay to open the backend before the client is answered, and
 * turns its answer into the client's endpoint or a refusal. Also reads relays declared in
 * parameters. Thread-safe.
 */
final class RelayOpener implements EndpointOpener {

    /** The context-param listing relays as {@code path=target} pairs. */
    static final String RELAYS = "hixie76.relays";
    /** The parameter naming a servlet's or filter's relay target. */
    static final String RELAY = "relay";
    static final String CONNECT_TIMEOUT = "backendConnectTimeoutMs";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Request headers the backend gets as they came. */
    private static final String[] FORWARDED = {"Origin", "Cookie", "Authorization", "User-Agent"};

    private final RelayTarget target;
    private final Relay relay;

    /** {@code target} null: the URL the client opened (a filter relaying the application's own WebSocket URL). */
    RelayOpener(String name, RelayTarget target, Duration connectTimeout) {
        this.target = target;
        this.relay = new Relay(name, connectTimeout);
    }

    @Override
    public Result open(HttpServletRequest request, String subprotocol, EndpointContext shared) {
        Opening opening = relay.open(backend(request), forwarded(request), subprotocol, shared);
        if (opening instanceof Opening.Opened opened) {
            return new Result(opened.endpoint(), opened.subprotocol(), null);
        }
        Opening.Refused refused = (Opening.Refused) opening;
        return Result.refused(new Refusal(refused.status(), refused.kind(), refused.reason()));
    }

    @Override
    public void close() {
        relay.close();
    }

    private URI backend(HttpServletRequest request) {
        RelayTarget to = target != null ? target
                : new RelayTarget(null, request.getRequestURI().substring(request.getContextPath().length()));
        return to.resolve(request.isSecure(), request.getLocalAddr(), request.getLocalPort(), request.getContextPath(),
                request.getQueryString());
    }

    /**
     * What the backend is told of the client: its Origin, Cookie, Authorization and User-Agent
     * as sent, and its address, scheme and Host as X-Forwarded-For (appended to what came),
     * X-Forwarded-Proto, X-Forwarded-Host and Forwarded (RFC 7239). Host itself the JDK refuses.
     */
    static Map<String, String> forwarded(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = String.join(name.equals("Cookie") ? "; " : ", ", Collections.list(request.getHeaders(name)));
            if (!value.isEmpty()) {
                headers.put(name, value);
            }
        }
        String remote = request.getRemoteAddr();
        String proto = request.isSecure() ? "https" : "http";
        String host = request.getHeader("Host");
        String priorFor = request.getHeader("X-Forwarded-For");
        headers.put("X-Forwarded-For", priorFor == null ? remote : priorFor + ", " + remote);
        headers.put("X-Forwarded-Proto", proto);
        if (host != null) {
            headers.put("X-Forwarded-Host", host);
        }
        String node = remote.contains(":") ? "\"[" + remote + "]\"" : remote;
        String element = "for=" + node + ";proto=" + proto + (host == null ? "" : ";host=\"" + host + "\"");
        String prior = request.getHeader("Forwarded");
        headers.put("Forwarded", prior == null ? element : prior + ", " + element);
        return headers;
    }

    /** The backend connect timeout from {@value #CONNECT_TIMEOUT}, or its default; IllegalArgumentException when malformed. */
    static Duration connectTimeout(Function<String, String> parameter) {
        String value = parameter.apply(CONNECT_TIMEOUT);
        if (value == null || value.isBlank()) {
            return DEFAULT_CONNECT_TIMEOUT;
        }
        try {
            long millis = Long.parseLong(value.trim());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("parameter " + CONNECT_TIMEOUT + " must be a whole number > 0, got '"
                + value + "'");
    }

    /**
     * Registers the relays of {@value #RELAYS} ({@code path=target}, comma-separated) as
     * servlets, with the application's {@code hixie76.*} context-params as limits.
     */
    static void registerDeclared(ServletContext context, EndpointConfig config) throws ServletException {
        String declared = context.getInitParameter(RELAYS);
        if (declared == null) {
            return;
        }
        Duration timeout;
        try {
            timeout = connectTimeout(name -> context.getInitParameter("hixie76." + name));
        } catch (IllegalArgumentException e) {
            throw new ServletException("hixie-76: " + e.getMessage(), e);
        }
        for (Map.Entry<String, String> entry : Mount.entries(RELAYS, declared, "target").entrySet()) {
            try {
                Hixie76Servlet.register(context, entry.getKey(), entry.getValue(), config, timeout);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ServletException("hixie-76 relay " + entry.getKey() + ": " + e.getMessage(), e);
            }
        }
    }
}
