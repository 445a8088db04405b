package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Serves one {@link Endpoint} over hixie-76: validates the opening handshake (§5.1–§5.2),
 * answers a bad one with a 4xx and a one-line plain-text reason, and upgrades a good one,
 * handing the connection to {@link Hixie76UpgradeHandler}.
 *
 * <p>Init-params: {@code endpoint}, the Endpoint class (public, with a public no-argument
 * constructor; one instance per connection), plus the limits of {@link EndpointConfig}. The
 * servlet must be async-supported: on Jetty the upgrade runs inside an async context whose
 * timeout must be lifted.
 *
 * <p>Thread-safe after {@link #init()}.
 */
public class Hixie76Servlet extends HttpServlet {

    private static final System.Logger LOG = System.getLogger(Hixie76Servlet.class.getName());

    private transient Constructor<? extends Endpoint> endpointConstructor;
    private transient EndpointConfig config;
    private transient SessionGroup group;
    private transient ScheduledExecutorService timer;
    private transient boolean jetty;

    @Override
    public void init() throws ServletException {
        String className = getInitParameter("endpoint");
        if (className == null || className.isBlank()) {
            throw new ServletException(getServletName() + ": init-param 'endpoint' must name an Endpoint class");
        }
        try {
            ClassLoader loader = getServletContext().getClassLoader();
            if (loader == null) {
                loader = Thread.currentThread().getContextClassLoader();
            }
            Class<?> type = Class.forName(className.trim(), true, loader);
            endpointConstructor = type.asSubclass(Endpoint.class).getConstructor();
            config = EndpointConfig.fromParameters(name -> {
                String value = getInitParameter(name);
                return value != null ? value : getServletContext().getInitParameter("hixie76." + name);
            });
        } catch (ReflectiveOperationException | ClassCastException | IllegalArgumentException e) {
            throw new ServletException(getServletName() + ": " + e, e);
        }
        group = new SessionGroup();
        String threadName = "hixie76-timer-" + getServletName();
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        jetty = getServletContext().getServerInfo().toLowerCase(Locale.ROOT).startsWith("jetty");
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            reject(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "a hixie-76 WebSocket opens with GET");
            return;
        }
        OpeningHandshake.Request handshake;
        byte[] bodyKey3;
        URI uri;
        try {
            if (!"HTTP/1.1".equals(request.getProtocol())) {
                throw new ProtocolException("hixie-76 needs HTTP/1.1, got " + request.getProtocol());
            }
            if (request.getHeader("Host") == null) {
                throw new ProtocolException("missing Host header");
            }
            handshake = OpeningHandshake.validate(name -> Collections.list(request.getHeaders(name)));
            if (!config.accepts(handshake.subprotocol())) {
                throw new ProtocolException("subprotocol '" + handshake.subprotocol() + "' is not served here; try one of "
                        + config.subprotocols());
            }
            bodyKey3 = bodyKey3(request);
            uri = location(request);
        } catch (ProtocolException e) {
            reject(request, response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        Endpoint endpoint;
        try {
            endpoint = endpointConstructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("cannot create " + endpointConstructor.getDeclaringClass().getName(), e);
        }
        Handshake details = new Handshake(uri, handshake.origin(), handshake.subprotocol(), headers(request),
                request.getUserPrincipal(), new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort()));

        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "WebSocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Origin", handshake.origin());
        response.setHeader("Sec-WebSocket-Location", uri.toString());
        if (handshake.subprotocol() != null) {
            response.setHeader("Sec-WebSocket-Protocol", handshake.subprotocol());
        }
        Function<Wire, Connection> connections = wire -> new Connection(wire, endpoint, details, handshake.part1(),
                handshake.part2(), config, group, timer);
        JettyTransport jettyTransport = jetty ? JettyTransport.of(request) : null;
        if (jettyTransport != null) {
            jettyTransport.upgradeAfterResponse(request, connections, bodyKey3);
            return;
        }
        Runnable afterClose = jetty ? jettyServletUpgrade(request) : () -> { };
        Hixie76UpgradeHandler handler = request.upgrade(Hixie76UpgradeHandler.class);
        // Jetty's upgrade() replaces Upgrade with the request's value (Netty's client sends
        // "websocket"); the draft's server sends exactly "WebSocket" (§5.2) and strict clients
        // compare it exactly (§4.1). The response is not committed until service() returns.
        response.setHeader("Upgrade", "WebSocket");
        handler.prepare(connections, bodyKey3, afterClose);
    }

    /**
     * The servlet upgrade on Jetty, when its connection API is out of reach: the upgraded
     * connection runs inside an async context whose default 30 s timeout would end it.
     * Returns what completes that context once the engine is done.
     */
    private static Runnable jettyServletUpgrade(HttpServletRequest request) {
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        return () -> {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.log(Level.DEBUG, "async context already complete", e);
            }
        };
    }

    /**
     * Key3 sent as a body with {@code Content-Length: 8} (Netty's client does this). It must be
     * read here: Tomcat swallows a request body the servlet leaves unread. Without a
     * Content-Length the body must not be touched: key3 then follows on the upgraded stream.
     */
    private static byte[] bodyKey3(HttpServletRequest request) throws ProtocolException, IOException {
        if (request.getHeader("Transfer-Encoding") != null) {
            throw new ProtocolException("key3 must not be sent with Transfer-Encoding");
        }
        long length = request.getContentLengthLong();
        if (length <= 0) {
            return null;
        }
        if (length != OpeningHandshake.KEY3_LENGTH) {
            throw new ProtocolException("Content-Length must be 8 (key3) or absent, got " + length);
        }
        InputStream body = request.getInputStream();
        byte[] key3 = body.readNBytes(OpeningHandshake.KEY3_LENGTH);
        if (key3.length != OpeningHandshake.KEY3_LENGTH) {
            throw new ProtocolException("request body ended after " + key3.length + " of the 8 bytes of key3");
        }
        return key3;
    }

    private static URI location(HttpServletRequest request) throws ProtocolException {
        String location = OpeningHandshake.location(request.isSecure(), request.getServerName(),
                request.getServerPort(), request.getRequestURI(), request.getQueryString());
        try {
            return new URI(location);
        } catch (java.net.URISyntaxException e) {
            throw new ProtocolException("malformed request URL: " + e.getMessage());
        }
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(Collections.list(request.getHeaders(name))));
        }
        return Collections.unmodifiableMap(headers);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, int status, String reason)
            throws IOException {
        LOG.log(Level.DEBUG, "{0}: rejected handshake from {1}: {2} {3}", getServletName(), request.getRemoteAddr(),
                status, reason);
        response.setStatus(status);
        // Bytes the client sent after its headers (key3) must not be read as another request.
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(reason);
    }
}
