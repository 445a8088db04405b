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

    private final Mount mount;

    /** For web.xml: the endpoint and its limits come from init-params. */
    public Hixie76Filter() {
        this(null, null);
    }

    /** For code: one endpoint instance per connection from {@code endpoints}, with these limits. */
    public Hixie76Filter(Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        this.mount = new Mount(endpoints, config, List.of(Handshake.HIXIE_76));
    }

    /** Takes over hixie-76 handshakes on {@code urlPattern}, ahead of the application's own filters. */
    public static FilterRegistration.Dynamic register(ServletContext context, String urlPattern,
            Supplier<? extends Endpoint> endpoints, EndpointConfig config) {
        FilterRegistration.Dynamic registration = Mount.added(
                context.addFilter(Mount.name(urlPattern), new Hixie76Filter(endpoints, config)), "filter", urlPattern);
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
