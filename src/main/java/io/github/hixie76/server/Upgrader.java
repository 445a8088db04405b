package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One endpoint at the container edge, whatever registered it (servlet, filter, code):
 * validates the opening handshake (§5.1–§5.2), answers a bad one with a 4xx and a one-line
 * plain-text reason, and upgrades a good one through the container's transport (Jetty's
 * connection-level upgrade on Jetty, {@link Hixie76UpgradeHandler} elsewhere). Owns the
 * endpoint's session group and timer. Thread-safe.
 */
final class Upgrader {

    private static final System.Logger LOG = System.getLogger(Upgrader.class.getName());

    private final String name;
    private final Supplier<? extends Endpoint> endpoints;
    private final EndpointConfig config;
    /** Context attribute: the metrics of the application's endpoints, by name (a concurrent map). */
    static final String METRICS_ATTRIBUTE = "io.github.hixie76.metrics";

    private final ServletContext context;
    private final SessionGroup group;
    private final ObjectName jmxName;
    private final ScheduledExecutorService timer;
    private volatile Thread timerThread;
    private final boolean jetty;

    Upgrader(String name, ServletContext context, Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        this.name = name;
        this.context = context;
        this.endpoints = endpoints;
        this.config = config;
        this.group = new SessionGroup(name);
        metricsOf(context).put(name, group.metrics());
        this.jmxName = registerMBean(context, name, group.metrics());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "hixie76-timer-" + name);
            thread.setDaemon(true);
            timerThread = thread;
            return thread;
        });
        // most timeouts are cancelled (key3 came, FF 00 was answered): out of the queue at once
        timer.setRemoveOnCancelPolicy(true);
        this.timer = timer;
        this.jetty = context.getServerInfo().toLowerCase(Locale.ROOT).startsWith("jetty");
    }

    /**
     * The upgrader of a servlet or filter named {@code name}: for {@code endpoints} with
     * {@code config} when it was made in code, else from its init-params (see
     * {@link #fromParameters}); a bad parameter stops it with a message naming the parameter.
     */
    static Upgrader of(String name, ServletContext context, Supplier<? extends Endpoint> endpoints, EndpointConfig config,
            Function<String, String> initParameter) throws ServletException {
        try {
            return endpoints != null
                    ? new Upgrader(name, context, endpoints, config)
                    : fromParameters(name, context, initParameter);
        } catch (IllegalArgumentException e) {
            throw new ServletException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * An upgrader configured by parameters: {@code endpoint}, the Endpoint class (public, with
     * a public no-argument constructor), and the limits of {@link EndpointConfig}, each looked
     * up in {@code parameter} and then as the context-param {@code hixie76.<name>}.
     */
    static Upgrader fromParameters(String name, ServletContext context, Function<String, String> parameter) {
        String className = parameter.apply("endpoint");
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException(name + ": parameter 'endpoint' must name an Endpoint class");
        }
        EndpointConfig config = EndpointConfig.fromParameters(key -> {
            String value = parameter.apply(key);
            return value != null ? value : context.getInitParameter("hixie76." + key);
        });
        return new Upgrader(name, context, newInstances(endpointClass(context, className.trim())), config);
    }

    /** Loads an Endpoint class through the application's class loader. */
    static Class<? extends Endpoint> endpointClass(ServletContext context, String className) {
        ClassLoader loader = context.getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        try {
            return Class.forName(className, true, loader).asSubclass(Endpoint.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("not an Endpoint class: " + className + " (" + e + ")", e);
        }
    }

    /** A new instance per connection, through the public no-argument constructor. */
    static Supplier<Endpoint> newInstances(Class<? extends Endpoint> type) {
        java.lang.reflect.Constructor<? extends Endpoint> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " needs a public no-argument constructor", e);
        }
        return () -> {
            try {
                return constructor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create " + type.getName(), e);
            }
        };
    }

    /**
     * Whether a request is a hixie-76 opening handshake (a WebSocket upgrade with either key):
     * what the filter takes over. An RFC 6455 upgrade is not one.
     */
    static boolean isHixie76Request(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.trim().equalsIgnoreCase("WebSocket")
                && (request.getHeader("Sec-WebSocket-Key1") != null || request.getHeader("Sec-WebSocket-Key2") != null);
    }

    /**
     * The application is stopping: every connection gets {@code FF 00} where it can and its
     * endpoint's {@code onClose}, then ends; the timer thread and the MBean go.
     */
    void close() {
        for (Connection connection : group.snapshot()) {
            connection.shutdown();
        }
        timer.shutdownNow();
        Thread thread = timerThread;
        try {
            // gone before the container looks for threads the application left running
            if (thread != null) {
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metricsOf(context).remove(name, group.metrics());
        if (jmxName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "unregistering " + jmxName, e);
            }
        }
    }

    /** The metrics of the application's endpoints, by name. */
    @SuppressWarnings("unchecked")
    static Map<String, EndpointMetrics> metricsOf(ServletContext context) {
        synchronized (context) {
            Object registry = context.getAttribute(METRICS_ATTRIBUTE);
            if (registry == null) {
                registry = new ConcurrentSkipListMap<String, EndpointMetrics>();
                context.setAttribute(METRICS_ATTRIBUTE, registry);
            }
            return (Map<String, EndpointMetrics>) registry;
        }
    }

    private static ObjectName registerMBean(ServletContext context, String name, EndpointMetrics metrics) {
        try {
            String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
            ObjectName objectName = new ObjectName("io.github.hixie76:type=Endpoint,context=" + ObjectName.quote(path)
                    + ",name=" + ObjectName.quote(name));
            ManagementFactory.getPlatformMBeanServer().registerMBean(metrics, objectName);
            return objectName;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "{0}: its metrics are not in JMX: {1}", name, e.toString());
            return null;
        }
    }

    /** Answers a request that reached this endpoint: a 101 and the upgrade, or a 4xx with a reason. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OpeningHandshake.Request handshake;
        byte[] bodyKey3;
        String location;
        URI uri;
        try {
            handshake = check(request);
            bodyKey3 = bodyKey3(request);
            location = location(request);
            uri = uri(location);
        } catch (Refused refused) {
            if (refused.status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
                response.setHeader("Allow", "GET");
            }
            reject(request, response, refused);
            return;
        }
        group.metrics().accepted();
        Endpoint endpoint = endpoints.get();
        Handshake details = new Handshake(uri, handshake.origin(), handshake.subprotocol(), headers(request),
                request.getUserPrincipal(), new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort()),
                sessionAttributes(request));

        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "WebSocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Origin", handshake.origin());
        response.setHeader("Sec-WebSocket-Location", location);
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
        Hixie76UpgradeHandler handler;
        try {
            handler = request.upgrade(Hixie76UpgradeHandler.class);
        } catch (ServletException e) {
            throw new IOException("the container refused the upgrade", e);
        }
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
    private static byte[] bodyKey3(HttpServletRequest request) throws Refused, IOException {
        if (request.getHeader("Transfer-Encoding") != null) {
            throw malformed("key3 must not be sent with Transfer-Encoding");
        }
        long length = request.getContentLengthLong();
        if (length <= 0) {
            return null;
        }
        if (length != OpeningHandshake.KEY3_LENGTH) {
            throw malformed("Content-Length must be 8 (key3) or absent, got " + length);
        }
        InputStream body = request.getInputStream();
        byte[] key3 = body.readNBytes(OpeningHandshake.KEY3_LENGTH);
        if (key3.length != OpeningHandshake.KEY3_LENGTH) {
            throw malformed("request body ended after " + key3.length + " of the 8 bytes of key3");
        }
        return key3;
    }

    private static Refused malformed(String reason) {
        return new Refused(HttpServletResponse.SC_BAD_REQUEST, "malformed", reason);
    }

    private static String location(HttpServletRequest request) {
        return OpeningHandshake.location(request.isSecure(), request.getServerName(),
                request.getServerPort(), request.getRequestURI(), request.getQueryString());
    }

    /**
     * The Location as a {@link URI} for {@link Handshake#uri()}. Browsers send some characters
     * that java.net.URI refuses as they were typed (Chrome: {@code | { } ^ `} and a '%' without
     * two hex digits in a query), and containers pass them on; here they are percent-encoded,
     * while the header keeps the URL exactly as the client opened it.
     */
    private static URI uri(String location) throws Refused {
        int path = location.indexOf('/', location.indexOf("//") + 2);
        StringBuilder escaped = new StringBuilder(location.substring(0, path));
        for (int i = path; i < location.length(); i += Character.charCount(location.codePointAt(i))) {
            int c = location.codePointAt(i);
            boolean escape = c == '%' ? !isHex(location, i + 1) || !isHex(location, i + 2)
                    : c > 0x7E || c <= 0x20 || "\"<>[\\]^`{|}".indexOf(c) >= 0;
            if (!escape) {
                escaped.append((char) c);
                continue;
            }
            for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                escaped.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        try {
            return new URI(escaped.toString());
        } catch (java.net.URISyntaxException e) {
            throw malformed("malformed request URL: " + e.getMessage());
        }
    }

    private static boolean isHex(String s, int index) {
        return index < s.length() && "0123456789ABCDEFabcdef".indexOf(s.charAt(index)) >= 0;
    }

    /** The attributes of the client's HttpSession, if it has one; a session is never created here. */
    private static Map<String, Object> sessionAttributes(HttpServletRequest request) {
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        if (session == null) {
            return Map.of();
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String name : Collections.list(session.getAttributeNames())) {
            Object value = session.getAttribute(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        return Collections.unmodifiableMap(attributes);
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(Collections.list(request.getHeaders(name))));
        }
        return Collections.unmodifiableMap(headers);
    }

    /** A refused handshake: the HTTP status, the kind counted in the metrics, the one-line reason. */
    private static final class Refused extends Exception {
        final int status;
        final String kind;

        Refused(int status, String kind, String reason) {
            super(reason, null, false, false);
            this.status = status;
            this.kind = kind;
        }
    }

    /** Every rule a request must meet before the upgrade, in the order a client is told about them. */
    private OpeningHandshake.Request check(HttpServletRequest request) throws Refused {
        if (!"GET".equals(request.getMethod())) {
            throw new Refused(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method", "a hixie-76 WebSocket opens with GET");
        }
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "http-version",
                    "hixie-76 needs HTTP/1.1, got " + request.getProtocol());
        }
        if (request.getHeader("Host") == null) {
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "malformed", "missing Host header");
        }
        OpeningHandshake.Request handshake;
        try {
            handshake = OpeningHandshake.validate(name -> Collections.list(request.getHeaders(name)));
        } catch (ProtocolException e) {
            boolean otherDraft = e.getMessage().startsWith("hixie-75") || e.getMessage().startsWith("RFC 6455");
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, otherDraft ? "other-draft" : "malformed", e.getMessage());
        }
        if (!config.allowsOrigin(handshake.origin())) {
            throw new Refused(HttpServletResponse.SC_FORBIDDEN, "origin",
                    "origin '" + handshake.origin() + "' is not allowed here");
        }
        if (!config.accepts(handshake.subprotocol())) {
            throw new Refused(HttpServletResponse.SC_BAD_REQUEST, "subprotocol", "subprotocol '" + handshake.subprotocol()
                    + "' is not served here; try one of " + config.subprotocols());
        }
        if (group.connections() >= config.maxConnections()) {
            throw new Refused(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "capacity",
                    "this endpoint is at its limit of " + config.maxConnections() + " connections; try again later");
        }
        return handshake;
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, Refused refused) throws IOException {
        LOG.log(Level.DEBUG, "{0}: rejected handshake from {1}: {2} {3}", name, request.getRemoteAddr(),
                refused.status, refused.getMessage());
        group.metrics().rejected(refused.kind);
        response.setStatus(refused.status);
        // Bytes the client sent after its headers (key3) must not be read as another request.
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(refused.getMessage());
    }
}
