package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.EndpointPath;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import java.util.Map;
import java.util.Set;

/**
 * Registers, when the application starts, the endpoints it declares without code:
 * <ul>
 * <li>the context-param {@code hixie76.endpoints}: comma-separated {@code path=class} pairs,
 *     for example {@code /chat=com.example.Chat, /echo=com.example.Echo};</li>
 * <li>every {@link Endpoint} class annotated with {@link EndpointPath};</li>
 * <li>the context-param {@code hixie76.relays}: comma-separated {@code path=target} pairs, each a
 *     relay to an existing RFC 6455 endpoint, for example {@code /legacy/chat=/chat,
 *     /ticker=wss://feeds.example.com/ticker} (see {@link Hixie76Servlet#register(ServletContext,
 *     String, String, EndpointConfig)}).</li>
 * </ul>
 * Each is a {@link Hixie76Servlet} with the application's {@code hixie76.*} context-params as
 * limits. An application that declares neither is left as it is. The container finds this
 * initializer through {@code META-INF/services} in the jar (on Jetty, with its annotations
 * support enabled, as it is for any initializer). Stateless.
 */
@HandlesTypes(EndpointPath.class)
public final class Hixie76Initializer implements ServletContainerInitializer {

    /** The context-param listing endpoints as {@code path=class} pairs. */
    public static final String ENDPOINTS = "hixie76.endpoints";
    /** The context-param listing relays as {@code path=target} pairs. */
    public static final String RELAYS = RelayOpener.RELAYS;

    @Override
    public void onStartup(Set<Class<?>> annotated, ServletContext context) throws ServletException {
        EndpointConfig config;
        try {
            config = EndpointConfig.fromParameters(name -> context.getInitParameter("hixie76." + name));
        } catch (IllegalArgumentException e) {
            throw new ServletException("hixie-76: " + e.getMessage(), e);
        }
        for (Map.Entry<String, String> entry : Mount.entries(ENDPOINTS, context.getInitParameter(ENDPOINTS), "class")
                .entrySet()) {
            register(context, entry.getKey(), entry.getValue(), config);
        }
        RelayOpener.registerDeclared(context, config);
        for (Class<?> type : annotated == null ? Set.<Class<?>>of() : annotated) {
            EndpointPath path = type.getAnnotation(EndpointPath.class);
            if (path == null || !Endpoint.class.isAssignableFrom(type)) {
                throw new ServletException("@EndpointPath on " + type.getName() + ", which is not an Endpoint");
            }
            register(context, path.value(), type.getName(), config);
        }
    }

    private static void register(ServletContext context, String path, String className, EndpointConfig config)
            throws ServletException {
        try {
            Hixie76Servlet.register(context, path, EndpointClasses.load(context, className), config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException("hixie-76 endpoint " + path + ": " + e.getMessage(), e);
        }
    }
}
