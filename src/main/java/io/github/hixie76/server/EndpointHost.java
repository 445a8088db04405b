package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.EndpointContext;
import io.github.hixie76.engine.Limits;
import io.github.hixie76.engine.Member;
import io.github.hixie76.engine.SessionGroup;
import io.github.hixie76.engine.ThreadScheduler;
import io.github.hixie76.protocol.Location;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import io.github.hixie76.transport.Transports;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.Collections;
import java.util.function.Supplier;

/**
 * One endpoint at the container edge, whatever registered it: owns its session group, its
 * timer thread and its published metrics, and answers each request that reaches it, with a
 * 4xx and a one-line reason ({@link HandshakeCheck}) or with the 101 headers and the upgrade
 * ({@link Transports}). Thread-safe.
 */
final class EndpointHost {

    private static final System.Logger LOG = System.getLogger(EndpointHost.class.getName());

    private final String name;
    private final Supplier<? extends Endpoint> endpoints;
    private final EndpointConfig config;
    private final SessionGroup group = new SessionGroup();
    private final EndpointMetrics metrics;
    private final ThreadScheduler timer;
    private final EndpointContext shared;
    private final MetricsRegistry published;

    EndpointHost(String name, ServletContext context, Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        this.name = name;
        this.endpoints = endpoints;
        this.config = config;
        this.metrics = new EndpointMetrics(name, group::openCount, group::connectionCount);
        this.timer = new ThreadScheduler(name);
        Limits limits = new Limits(config.maxMessageSize(), config.maxOutboundBytes(), config.handshakeTimeout(),
                config.closeTimeout(), config.idleTimeout());
        this.shared = new EndpointContext(limits, group, metrics, timer);
        this.published = MetricsRegistry.publish(context, metrics);
    }

    /** Answers a request that reached this endpoint: a 101 and the upgrade, or a 4xx with a reason. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HandshakeCheck.Verdict verdict = HandshakeCheck.check(request.getMethod(), request.getProtocol(),
                header -> Collections.list(request.getHeaders(header)), config, group.connectionCount());
        if (verdict instanceof Refusal refusal) {
            refuse(request, response, refusal);
            return;
        }
        HandshakeCheck.Accepted accepted = (HandshakeCheck.Accepted) verdict;
        OpeningHandshake.Request agreed = accepted.request();
        byte[] bodyKey3 = accepted.key3InBody() ? RequestCopy.bodyKey3(request) : null;
        if (bodyKey3 != null && bodyKey3.length < OpeningHandshake.KEY3_LENGTH) {
            refuse(request, response, Refusal.malformed("request body ended after " + bodyKey3.length
                    + " of the 8 bytes of key3"));
            return;
        }
        String location = Location.of(request.isSecure(), request.getServerName(), request.getServerPort(),
                request.getRequestURI(), request.getQueryString());
        URI uri;
        try {
            uri = Location.toUri(location);
        } catch (ProtocolException e) {
            refuse(request, response, Refusal.malformed(e.getMessage()));
            return;
        }
        metrics.accepted();
        Endpoint endpoint = endpoints.get();
        Handshake handshake = RequestCopy.handshake(request, uri, agreed);

        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "WebSocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Origin", agreed.origin());
        response.setHeader("Sec-WebSocket-Location", location);
        if (agreed.subprotocol() != null) {
            response.setHeader("Sec-WebSocket-Protocol", agreed.subprotocol());
        }
        Transports.upgrade(request, response,
                wire -> new Connection(wire, endpoint, handshake, agreed.part1(), agreed.part2(), shared), bodyKey3);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Refusal refusal) throws IOException {
        LOG.log(Level.DEBUG, "{0}: rejected handshake from {1}: {2} {3}", name, request.getRemoteAddr(),
                refusal.status(), refusal.reason());
        metrics.rejected(refusal.kind());
        refusal.writeTo(response);
    }

    /**
     * The application is stopping: every connection gets {@code FF 00} where it can and its
     * endpoint's {@code onClose}, then ends; the timer thread and the metrics go.
     */
    void close() {
        for (Member member : group.snapshot()) {
            member.shutdown();
        }
        timer.shutdown();
        published.withdraw();
    }
}
