package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Serves one {@link Endpoint} over hixie-76 at the servlet's URL patterns.
 *
 * <p>Declared in web.xml, it reads its init-params: {@code endpoint}, the Endpoint class
 * (public, with a public no-argument constructor; one instance per connection), plus the
 * limits of {@link EndpointConfig}. Registered in code, see {@link #register}. It should be
 * async-supported: on Jetty, when the connection-level upgrade is out of reach, the servlet
 * upgrade runs inside an async context whose timeout must be lifted.
 *
 * <p>Thread-safe after {@link #init()}.
 */
public class Hixie76Servlet extends HttpServlet {

    private final transient Mount mount;

    /** For web.xml: the endpoint and its limits come from init-params. */
    public Hixie76Servlet() {
        this(null, null);
    }

    /** For code: one endpoint instance per connection from {@code endpoints}, with these limits. */
    public Hixie76Servlet(Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        this(new Mount(endpoints, config, EndpointConfig.PROTOCOLS));
    }

    private Hixie76Servlet(Mount mount) {
        this.mount = mount;
    }

    /**
     * Registers an endpoint at {@code path} (a servlet URL pattern such as {@code /chat}) from a
     * {@code ServletContextListener} or {@code ServletContainerInitializer}, without touching
     * the rest of the application.
     */
    public static ServletRegistration.Dynamic register(ServletContext context, String path,
            Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        return mapped(context, path, new Hixie76Servlet(endpoints, config));
    }

    /** As {@link #register(ServletContext, String, Supplier, EndpointConfig)}, one new instance of {@code type} per connection. */
    public static ServletRegistration.Dynamic register(ServletContext context, String path,
            Class<? extends Endpoint> type, EndpointConfig config) {
        return register(context, path, EndpointClasses.newInstances(type), config);
    }

    /**
     * Registers a relay at {@code path}: hixie-76 clients there are connected to {@code target},
     * an existing RFC 6455 endpoint (an absolute {@code ws://} or {@code wss://} URI, or a path
     * beginning with {@code /} in this context, reached through the connector that took the
     * request), with these limits and a backend connect timeout of 5 s. IllegalArgumentException
     * for a bad target.
     */
    public static ServletRegistration.Dynamic register(ServletContext context, String path, String target,
            EndpointConfig config) {
        return register(context, path, target, config, RelayOpener.DEFAULT_CONNECT_TIMEOUT);
    }

    /** As {@link #register(ServletContext, String, String, EndpointConfig)}, with this backend connect timeout. */
    public static ServletRegistration.Dynamic register(ServletContext context, String path, String target,
            EndpointConfig config, Duration backendConnectTimeout) {
        return mapped(context, path, new Hixie76Servlet(Mount.relay(target, config, backendConnectTimeout)));
    }

    private static ServletRegistration.Dynamic mapped(ServletContext context, String path, Hixie76Servlet servlet) {
        ServletRegistration.Dynamic registration = Mount.added(context.addServlet(Mount.name(path), servlet), "servlet", path);
        registration.setLoadOnStartup(1);
        registration.addMapping(path);
        return registration;
    }

    @Override
    public void init() throws ServletException {
        ServletRegistration registration = getServletContext().getServletRegistration(getServletName());
        mount.init(getServletName(), registration == null ? null : registration.getMappings(), getServletContext(),
                this::getInitParameter);
    }

    @Override
    public void destroy() {
        mount.destroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        mount.serve(request, response);
    }
}
