package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * Serves one {@link Endpoint} over hixie-76 on URLs the application already serves: a hixie-76
 * opening handshake (an {@code Upgrade: WebSocket} request with {@code Sec-WebSocket-Key1} or
 * {@code Key2}) is taken over; every other request, RFC 6455 upgrades included, goes down the
 * chain untouched.
 *
 * <p>Declared in web.xml, it reads the same init-params as {@link Hixie76Servlet}; registered
 * in code, see {@link #register}. Thread-safe after {@link #init}.
 */
public class Hixie76Filter implements Filter {

    /** The relay target (also as the init-param {@code relay}) meaning the URL the client opened. */
    public static final String SAME_URL = "";

    private final Mount mount;

    /** For web.xml: the endpoint and its limits come from init-params. */
    public Hixie76Filter() {
        this(null, null);
    }

    /** For code: one endpoint instance per connection from {@code endpoints}, with these limits. */
    public Hixie76Filter(Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        this(new Mount(endpoints, config, List.of(Handshake.HIXIE_76)));
    }

    private Hixie76Filter(Mount mount) {
        this.mount = mount;
    }

    /** Takes over hixie-76 handshakes on {@code urlPattern}, ahead of the application's own filters. */
    public static FilterRegistration.Dynamic register(ServletContext context, String urlPattern,
            Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        return mapped(context, urlPattern, new Hixie76Filter(endpoints, config));
    }

    /**
     * Relays hixie-76 handshakes on {@code urlPattern} to {@code target} (as
     * {@link Hixie76Servlet#register(ServletContext, String, String, EndpointConfig)}, or
     * {@link #SAME_URL}: the URL the client opened, so that the application's own RFC 6455
     * endpoint there serves hixie-76 clients too), with a backend connect timeout of 5 s.
     * RFC 6455 upgrades and plain requests go down the chain unchanged.
     */
    public static FilterRegistration.Dynamic register(ServletContext context, String urlPattern, String target,
            EndpointConfig config) {
        return register(context, urlPattern, target, config, RelayOpener.DEFAULT_CONNECT_TIMEOUT);
    }

    /** As {@link #register(ServletContext, String, String, EndpointConfig)}, with this backend connect timeout. */
    public static FilterRegistration.Dynamic register(ServletContext context, String urlPattern, String target,
            EndpointConfig config, Duration backendConnectTimeout) {
        return mapped(context, urlPattern, new Hixie76Filter(Mount.relay(target, config, backendConnectTimeout)));
    }

    /** Ahead of the application's own filters, for requests (not forwards or includes). */
    private static FilterRegistration.Dynamic mapped(ServletContext context, String urlPattern, Hixie76Filter filter) {
        FilterRegistration.Dynamic registration = Mount.added(context.addFilter(Mount.name(urlPattern), filter), "filter",
                urlPattern);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, urlPattern);
        return registration;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ServletContext context = filterConfig.getServletContext();
        FilterRegistration registration = context.getFilterRegistration(filterConfig.getFilterName());
        mount.init(filterConfig.getFilterName(), registration == null ? null : registration.getUrlPatternMappings(),
                context, filterConfig::getInitParameter);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && mount.takes(http)) {
            mount.serve(http, httpResponse);
        } else {
            chain.doFilter(request, response);
        }
    }

    @Override
    public void destroy() {
        mount.destroy();
    }
}
