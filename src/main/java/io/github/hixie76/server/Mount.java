package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import jakarta.servlet.Registration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@link Hixie76Servlet} and {@link Hixie76Filter} share: the endpoint and limits given in
 * code (or none, and then parameters name them), and the {@link EndpointHost} made when the
 * container initialises the servlet or filter. Thread-safe after {@link #init}.
 */
final class Mount {

    private final Supplier<? extends Endpoint> endpoints;
    private final EndpointConfig config;
    private final List<String> defaultProtocols;
    private volatile EndpointHost host;

    /**
     * {@code endpoints} null: the endpoint class and the limits come from parameters at
     * {@link #init}. {@code defaultProtocols}: what is served when the config names none.
     */
    Mount(Supplier<? extends Endpoint> endpoints, EndpointConfig config, List<String> defaultProtocols) {
        this.endpoints = endpoints;
        this.config = config;
        this.defaultProtocols = defaultProtocols;
    }

    /**
     * Starts the endpoint of the servlet or filter named {@code name}. Without an endpoint given
     * in code, {@code initParameter} names it ({@code endpoint}: a public Endpoint class with a
     * public no-argument constructor) and its limits (those of {@link EndpointConfig}, each
     * looked up there and then as the context-param {@code hixie76.<name>}). A bad parameter
     * stops it with a message naming the parameter.
     */
    void init(String name, ServletContext context, Function<String, String> initParameter) throws ServletException {
        try {
            host = endpoints != null
                    ? new EndpointHost(name, context, endpoints, config, defaultProtocols)
                    : fromParameters(name, context, initParameter);
        } catch (IllegalArgumentException e) {
            throw new ServletException(name + ": " + e.getMessage(), e);
        }
    }

    private EndpointHost fromParameters(String name, ServletContext context, Function<String, String> parameter) {
        String className = parameter.apply("endpoint");
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException(name + ": parameter 'endpoint' must name an Endpoint class");
        }
        EndpointConfig config = EndpointConfig.fromParameters(key -> {
            String value = parameter.apply(key);
            return value != null ? value : context.getInitParameter("hixie76." + key);
        });
        return new EndpointHost(name, context,
                EndpointClasses.newInstances(EndpointClasses.load(context, className.trim())), config, defaultProtocols);
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
