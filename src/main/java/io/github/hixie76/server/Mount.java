package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.cluster.ClusterConfig;
import io.github.hixie76.relay.RelayTarget;
import jakarta.servlet.Registration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@link Hixie76Servlet} and {@link Hixie76Filter} share: the endpoint and limits given in
 * code (or none, and then parameters name them), and the {@link EndpointHost} made when the
 * container initialises the servlet or filter. Thread-safe after {@link #init}.
 */
final class Mount {

    private static final System.Logger LOG = System.getLogger(Mount.class.getName());
    /** Context attribute: this application's refusal to run on this container was logged. */
    private static final String REFUSED = "io.github.hixie76.refused";

    private final Supplier<? extends Endpoint> endpoints;
    private final EndpointConfig config;
    private final List<String> defaultProtocols;
    /** What this mount relays to; null when it serves an endpoint of its own. */
    private final Relay relay;
    private volatile EndpointHost host;

    /** A relay's target (null: the URL the client opened) and its backend's connect timeout. */
    private record Relay(RelayTarget target, Duration backendConnectTimeout) {

        /** {@code target} as {@link RelayTarget#parse} reads it; empty: the URL the client opened. */
        static Relay of(String target, Duration backendConnectTimeout) {
            return new Relay(target.isBlank() ? null : RelayTarget.parse(target), backendConnectTimeout);
        }
    }

    /**
     * {@code endpoints} null: the endpoint class and the limits come from parameters at
     * {@link #init}. {@code defaultProtocols}: what is served when the config names none.
     */
    Mount(Supplier<? extends Endpoint> endpoints, EndpointConfig config, List<String> defaultProtocols) {
        this(endpoints, config, defaultProtocols, null);
    }

    private Mount(Supplier<? extends Endpoint> endpoints, EndpointConfig config, List<String> defaultProtocols,
            Relay relay) {
        this.endpoints = endpoints;
        this.config = config;
        this.defaultProtocols = defaultProtocols;
        this.relay = relay;
    }

    /**
     * The mount of a relay registered in code, by the servlet or the filter: to {@code target}
     * ({@link RelayTarget#parse}; empty: the URL the client opened), with these limits and
     * backend connect timeout. NullPointerException without a target,
     * IllegalArgumentException for a bad one.
     */
    static Mount relay(String target, EndpointConfig config, Duration backendConnectTimeout) {
        return new Mount(null, config, List.of(Handshake.HIXIE_76),
                Relay.of(Objects.requireNonNull(target, "target"), backendConnectTimeout));
    }

    /**
     * Starts the endpoint of the servlet or filter named {@code name}, mapped at
     * {@code mappings} (the first in order is its path: its broadcaster's key and its cluster
     * channel; none: its name). Without an endpoint given in code, {@code initParameter} names
     * it ({@code endpoint}: a public Endpoint class with a public no-argument constructor) and
     * its limits (those of {@link EndpointConfig}, each looked up there and then as the
     * context-param {@code hixie76.<name>}); the cluster settings of {@link ClusterConfig} are
     * looked up the same way, behind the operator's. A bad parameter, or a cluster without its
     * client's jar, stops it with a message naming what to fix.
     */
    void init(String name, Collection<String> mappings, ServletContext context, Function<String, String> initParameter)
            throws ServletException {
        String path = mappings == null || mappings.isEmpty() ? name : mappings.stream().sorted().findFirst().get();
        Optional<String> refusal = ContainerCheck.refusal(context.getServerInfo());
        if (refusal.isPresent()) {
            // One line per application, however many endpoints it has; each stays unavailable.
            if (context.getAttribute(REFUSED) == null) {
                context.setAttribute(REFUSED, Boolean.TRUE);
                LOG.log(System.Logger.Level.ERROR, refusal.get());
            }
            throw new UnavailableException(refusal.get());
        }
        try {
            if (relay != null) {
                host = relayHost(name, path, context, relay, config);
                return;
            }
            ClusterConfig cluster = ClusterConfig.from(withContext(context, initParameter));
            host = endpoints != null
                    ? new EndpointHost(name, path, context, endpoints, config, defaultProtocols, cluster)
                    : fromParameters(name, path, context, initParameter, cluster);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException(name + ": " + e.getMessage(), e);
        }
    }

    /** A parameter of the servlet or filter, else the context-param {@code hixie76.<name>}. */
    private static Function<String, String> withContext(ServletContext context, Function<String, String> parameter) {
        return key -> {
            String value = parameter.apply(key);
            return value != null ? value : context.getInitParameter("hixie76." + key);
        };
    }

    private EndpointHost fromParameters(String name, String path, ServletContext context,
            Function<String, String> parameter, ClusterConfig cluster) {
        String className = parameter.apply("endpoint");
        String relayTarget = parameter.apply(RelayOpener.RELAY);
        if ((className == null || className.isBlank()) && relayTarget != null) {
            return relayHost(name, path, context,
                    Relay.of(relayTarget, RelayOpener.connectTimeout(withContext(context, parameter))),
                    EndpointConfig.fromParameters(withContext(context, parameter)));
        }
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException(name + ": parameter 'endpoint' must name an Endpoint class"
                    + " (or 'relay' a target)");
        }
        EndpointConfig config = EndpointConfig.fromParameters(withContext(context, parameter));
        return new EndpointHost(name, path, context,
                EndpointClasses.newInstances(EndpointClasses.load(context, className.trim())), config, defaultProtocols,
                cluster);
    }

    /**
     * A relay serves hixie-76 clients only: RFC 6455 ones connect to its target themselves. Its
     * sessions never broadcast, so it has no cluster bus.
     */
    private static EndpointHost relayHost(String name, String path, ServletContext context, Relay relay,
            EndpointConfig config) {
        if (config.protocols().contains(Handshake.RFC_6455)) {
            throw new IllegalArgumentException("a relay serves hixie-76 only; RFC 6455 clients connect to its target");
        }
        return new EndpointHost(name, path, context, () -> {
            throw new IllegalStateException("a relay makes its endpoints when its backend accepts");
        }, config, List.of(Handshake.HIXIE_76), null, new RelayOpener(name, relay.target(), relay.backendConnectTimeout()));
    }

    /**
     * A context-param listing {@code path=value} entries, comma-separated (blank entries
     * ignored), in order; {@code value} names what follows the '=' in the error message.
     */
    static Map<String, String> entries(String parameter, String declared, String value) throws ServletException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String entry : declared == null ? new String[0] : declared.split(",")) {
            int equals = entry.indexOf('=');
            if (entry.isBlank()) {
                continue;
            }
            if (equals <= 0) {
                throw new ServletException(parameter + ": expected path=" + value + ", got '" + entry.trim() + "'");
            }
            entries.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return entries;
    }

    /** The name of what {@code register} adds for {@code path}. */
    static String name(String path) {
        return "hixie76:" + path;
    }

    /**
     * What a {@code register} method added: async-supported (the servlet upgrade on Jetty runs
     * in an async context), or an IllegalStateException when the name was already taken.
     */
    static <T extends Registration.Dynamic> T added(T registration, String what, String path) {
        if (registration == null) {
            throw new IllegalStateException("a " + what + " named " + name(path) + " is already registered");
        }
        registration.setAsyncSupported(true);
        return registration;
    }

    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        host.serve(request, response);
    }

    void destroy() {
        EndpointHost h = host;
        if (h != null) {
            h.close();
        }
    }

    /**
     * Whether the filter takes a request over: a WebSocket upgrade (hixie-76: either key;
     * RFC 6455: its version or key) of a protocol this endpoint serves. Everything else goes
     * down the chain.
     */
    boolean takes(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        boolean websocket = upgrade != null && upgrade.trim().equalsIgnoreCase("WebSocket")
                && (request.getHeader("Sec-WebSocket-Key1") != null || request.getHeader("Sec-WebSocket-Key2") != null
                        || EndpointHost.isRfc6455(request));
        return websocket && host.serves(request);
    }
}
