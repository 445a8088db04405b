package io.github.hixie76.server;

import io.github.hixie76.api.Broadcaster;
import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.cluster.Bus;
import io.github.hixie76.cluster.Buses;
import io.github.hixie76.cluster.ClusterConfig;
import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.EndpointContext;
import io.github.hixie76.engine.Limits;
import io.github.hixie76.engine.Member;
import io.github.hixie76.engine.SessionGroup;
import io.github.hixie76.engine.ThreadScheduler;
import io.github.hixie76.protocol.Location;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import io.github.hixie76.rfc6455.Rfc6455Upgrade;
import io.github.hixie76.transport.Transports;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One endpoint at the container edge, whatever registered it: owns its session group (of both
 * protocols), its bus to the other nodes (in-memory unless a cluster is configured), its timer
 * thread and its published metrics and broadcaster, and answers each request that
 * reaches it, with a 4xx and a one-line reason ({@link HandshakeCheck}) or with the upgrade:
 * hixie-76 by this project's engine ({@link Transports}), RFC 6455 by the container's
 * {@code jakarta.websocket} ({@link Rfc6455Upgrade}). Thread-safe.
 */
final class EndpointHost {

    private static final System.Logger LOG = System.getLogger(EndpointHost.class.getName());

    /** What an operator enables for RFC 6455, named in the refusal and the log. */
    static final String RFC6455_UNAVAILABLE = "enable the container's WebSocket support (Jetty: the"
            + " ee10-websocket-jakarta module, or jetty-ee10-websocket-jakarta-server when embedded; Tomcat: the"
            + " tomcat-websocket jar)";

    private final String name;
    private final ServletContext context;
    private final List<String> protocols;
    private final AtomicBoolean warnedUnavailable = new AtomicBoolean();
    private final Supplier<? extends Endpoint> endpoints;
    private final EndpointOpener opener;
    private final EndpointConfig config;
    private final SessionGroup group = new SessionGroup(text -> bus().publish(text));
    private final EndpointMetrics metrics;
    private final Bus bus;
    private final ThreadScheduler timer;
    private final EndpointContext shared;
    private final MetricsRegistry published;
    /** Why this container cannot serve hixie-76 handshakes (Undertow), or null. */
    private final String hixie76Refusal;

    private final String path;
    private final Broadcaster broadcaster = group::broadcast;
    /** What the handshakes of this endpoint's clients send alike, kept once by its sessions. */
    private final Recent recent = new Recent();

    /**
     * {@code path}: where it is mapped (its broadcaster's key, its cluster channel);
     * {@code defaultProtocols}: what the mount serves when the config names no protocol;
     * {@code cluster}: null for the in-memory bus. Throws IllegalStateException when a cluster
     * is configured and its client is missing.
     */
    EndpointHost(String name, String path, ServletContext context, Supplier<? extends Endpoint> endpoints,
            EndpointConfig config, List<String> defaultProtocols, ClusterConfig cluster) {
        this(name, path, context, endpoints, config, defaultProtocols, cluster, EndpointOpener.of(endpoints));
    }

    /** {@code opener}: what serves an accepted hixie-76 handshake (a relay's backend), asked before the 101. */
    EndpointHost(String name, String path, ServletContext context, Supplier<? extends Endpoint> endpoints,
            EndpointConfig config, List<String> defaultProtocols, ClusterConfig cluster, EndpointOpener opener) {
        this.opener = opener;
        this.name = name;
        this.path = path;
        this.context = context;
        this.protocols = config.protocolsOr(defaultProtocols);
        this.endpoints = endpoints;
        this.config = config;
        this.metrics = new EndpointMetrics(name, group, this::bus);
        this.bus = Buses.open(cluster, cluster == null ? null : cluster.channel(context.getContextPath(), path),
                group::deliverLocally, metrics);
        if (cluster != null) {
            LOG.log(Level.INFO, "{0}: broadcasts go to every node on {1} (channel {2})", name, bus.describe(),
                    cluster.channel(context.getContextPath(), path));
        }
        this.timer = new ThreadScheduler(name);
        Limits limits = new Limits(config.maxMessageSize(), config.maxOutboundBytes(), config.handshakeTimeout(),
                config.closeTimeout(), config.idleTimeout());
        this.shared = new EndpointContext(limits, group, metrics, timer);
        this.hixie76Refusal = ContainerCheck.hixie76Refusal(context.getServerInfo()).orElse(null);
        if (hixie76Refusal != null) {
            LOG.log(Level.WARNING, "{0}: {1}", name, hixie76Refusal);
        }
        this.published = MetricsRegistry.publish(context, metrics);
        Broadcasters.publish(context, path, broadcaster);
    }

    private Bus bus() {
        return bus;
    }

    /** Whether this endpoint serves the protocol a request asks for (a request that is no WebSocket one counts as hixie-76). */
    boolean serves(HttpServletRequest request) {
        return protocols.contains(isRfc6455(request) ? Handshake.RFC_6455 : Handshake.HIXIE_76);
    }

    /** Answers a request that reached this endpoint: a 101 and the upgrade, or a 4xx with a reason. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        boolean rfc6455 = isRfc6455(request);
        Function<String, List<String>> headers = header -> Collections.list(request.getHeaders(header));
        HandshakeCheck.Verdict verdict;
        if (hixie76Refusal != null && !rfc6455 && (request.getHeader("Sec-WebSocket-Key1") != null
                || request.getHeader("Sec-WebSocket-Key2") != null)) {
            verdict = new Refusal(400, "unavailable", hixie76Refusal);
        } else if (!serves(request)) {
            verdict = new Refusal(400, "protocol", (rfc6455 ? "RFC 6455" : "hixie-76")
                    + " is not served here; this endpoint serves " + String.join(", ", protocols));
        } else if (rfc6455) {
            verdict = HandshakeCheck.checkRfc6455(request.getMethod(), request.getProtocol(), headers, config,
                    group.connectionCount());
        } else {
            verdict = HandshakeCheck.check(request.getMethod(), request.getProtocol(), headers, config,
                    group.connectionCount());
        }
        if (verdict instanceof Refusal refusal) {
            refuse(request, response, refusal);
        } else if (verdict instanceof HandshakeCheck.Accepted accepted) {
            upgradeHixie76(request, response, accepted);
        } else {
            upgradeRfc6455(request, response, (HandshakeCheck.AcceptedRfc6455) verdict);
        }
    }

    private void upgradeHixie76(HttpServletRequest request, HttpServletResponse response,
            HandshakeCheck.Accepted accepted) throws IOException {
        OpeningHandshake.Request agreed = accepted.request();
        byte[] bodyKey3 = accepted.key3InBody() && Transports.readsKey3Body(request) ? RequestCopy.bodyKey3(request)
                : null;
        if (bodyKey3 != null && bodyKey3.length < OpeningHandshake.KEY3_LENGTH) {
            refuse(request, response, Refusal.malformed("request body ended after " + bodyKey3.length
                    + " of the 8 bytes of key3"));
            return;
        }
        String location = location(request);
        URI uri = uri(request, response, location);
        if (uri == null) {
            return;
        }
        EndpointOpener.Result opened = opener.open(request, agreed.subprotocol(), shared);
        if (opened.refusal() != null) {
            refuse(request, response, opened.refusal());
            return;
        }
        metrics.accepted(Handshake.HIXIE_76);
        Endpoint endpoint = opened.endpoint();
        String subprotocol = opened.subprotocol();
        Handshake handshake = RequestCopy.handshake(request, recent, uri, agreed.origin(), subprotocol, Handshake.HIXIE_76);

        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "WebSocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Origin", agreed.origin());
        response.setHeader("Sec-WebSocket-Location", location);
        if (subprotocol != null) {
            response.setHeader("Sec-WebSocket-Protocol", subprotocol);
        }
        Transports.upgrade(request, response,
                wire -> new Connection(wire, endpoint, handshake, agreed.part1(), agreed.part2(), shared), bodyKey3);
    }

    /** RFC 6455: after the same checks, the container's own implementation (package rfc6455). */
    private void upgradeRfc6455(HttpServletRequest request, HttpServletResponse response,
            HandshakeCheck.AcceptedRfc6455 accepted) throws IOException, ServletException {
        // Read as a plain attribute: this class must load where jakarta.websocket does not exist.
        Object container = context.getAttribute(Rfc6455Upgrade.SERVER_CONTAINER);
        URI uri = container == null ? null : uri(request, response, location(request));
        if (uri == null) {
            if (container == null) {
                refuseUnavailable(request, response, "the context has no " + Rfc6455Upgrade.SERVER_CONTAINER);
            }
            return;
        }
        Handshake handshake = RequestCopy.handshake(request, recent, uri, accepted.origin(), accepted.subprotocol(),
                Handshake.RFC_6455);
        try {
            if (!Rfc6455Upgrade.supports(container)) {
                refuseHixie76Only(request, response, container);
                return;
            }
            Rfc6455Upgrade.upgrade(container, request, response, endpoints.get(), handshake, accepted.subprotocol(),
                    shared);
        } catch (LinkageError e) {
            refuseUnavailable(request, response, e.toString());
            return;
        }
        metrics.accepted(Handshake.RFC_6455);
    }

    /** An RFC 6455 request where the container offers no jakarta.websocket: 400, and one warning per endpoint. */
    private void refuseUnavailable(HttpServletRequest request, HttpServletResponse response, String why)
            throws IOException {
        if (warnedUnavailable.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "{0}: RFC 6455 requests are refused ({1}): {2}", name, why, RFC6455_UNAVAILABLE);
        }
        refuse(request, response, new Refusal(400, "unavailable", "RFC 6455 is not available on this server: "
                + RFC6455_UNAVAILABLE + "; hixie-76 is served here"));
    }

    /**
     * An RFC 6455 request on a container whose WebSocket implementation has no call a servlet
     * can upgrade through (javax containers but Tomcat 8.5/9): 400, and one warning per endpoint.
     */
    private void refuseHixie76Only(HttpServletRequest request, HttpServletResponse response, Object container)
            throws IOException {
        String implementation = container.getClass().getName();
        if (warnedUnavailable.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "{0}: RFC 6455 requests are refused: {1} has no programmatic upgrade;"
                    + " this container serves hixie-76 only", name, implementation);
        }
        refuse(request, response, new Refusal(400, "unavailable", "RFC 6455 cannot be served through this"
                + " container's WebSocket implementation (" + implementation + ", no programmatic upgrade):"
                + " this container serves hixie-76 only"));
    }

    /** Whether a request is an RFC 6455 opening handshake (RFC 6455 §4.1: Sec-WebSocket-Version or -Key, no hixie-76 keys). */
    static boolean isRfc6455(HttpServletRequest request) {
        return request.getHeader("Sec-WebSocket-Key1") == null && request.getHeader("Sec-WebSocket-Key2") == null
                && (request.getHeader("Sec-WebSocket-Version") != null || request.getHeader("Sec-WebSocket-Key") != null);
    }

    /** The URL the client opened, as §3.2 spells it (the scheme is ws or wss for either protocol). */
    private static String location(HttpServletRequest request) {
        return Location.of(request.isSecure(), request.getServerName(), request.getServerPort(),
                request.getRequestURI(), request.getQueryString());
    }

    /** The location as a URI for the session, or null after refusing a URL no URI takes. */
    private URI uri(HttpServletRequest request, HttpServletResponse response, String location) throws IOException {
        try {
            return recent.uri(location);
        } catch (ProtocolException e) {
            refuse(request, response, Refusal.malformed(e.getMessage()));
            return null;
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Refusal refusal) throws IOException {
        LOG.log(Level.DEBUG, "{0}: rejected handshake from {1}: {2} {3}", name, request.getRemoteAddr(),
                refusal.status(), refusal.reason());
        metrics.rejected(refusal.kind());
        refusal.writeTo(response);
    }

    /**
     * The application is stopping: every connection gets {@code FF 00} where it can and its
     * endpoint's {@code onClose}, then ends; the bus (and its client's threads), the timer
     * thread, the broadcaster and the metrics go.
     */
    void close() {
        Broadcasters.withdraw(context, path, broadcaster);
        group.snapshot().forEach(Member::shutdown);
        bus.close();
        timer.shutdown();
        opener.close();
        published.withdraw();
    }
}
