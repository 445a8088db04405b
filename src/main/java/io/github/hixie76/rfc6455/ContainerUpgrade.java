package io.github.hixie76.rfc6455;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;

/**
 * The call that upgrades a request to the container's WebSocket implementation, found once per
 * container class (the last one is kept). Jakarta WebSocket 2.1 has {@code ServerContainer.upgradeHttpToWebSocket};
 * javax WebSocket 1.1 has no such call, and the javax build (the same source, transformed)
 * could not compile one, so it is looked up: the standard method first; then the same method
 * on the implementation, where a javax container has it ahead of the standard (Jetty 10's
 * {@code JavaxWebSocketServerContainer}); then Tomcat 8.5/9's public
 * {@code WsServerContainer.doUpgrade(HttpServletRequest, HttpServletResponse,
 * ServerEndpointConfig, Map)}, which the standard method wraps in Tomcat 10.1 and 11. A
 * container with none of them serves hixie-76 only. Stateless and thread-safe.
 */
final class ContainerUpgrade {

    private static final String STANDARD = "upgradeHttpToWebSocket";
    private static final String TOMCAT = "doUpgrade";

    /**
     * The last lookup: one container class per application in practice. Not a ClassValue,
     * which would hang this application's class on the container's class and keep it after an
     * undeploy; this holds only the container's class, from the application's side.
     */
    private static volatile Lookup last;

    private record Lookup(Class<?> type, Optional<Method> method) {
    }

    private ContainerUpgrade() {
    }

    /** The upgrade call of this container's {@code ServerContainer}, or empty when it has none. */
    static Optional<Method> of(Object container) {
        Class<?> type = container.getClass();
        Lookup lookup = last;
        if (lookup == null || lookup.type() != type) {
            lookup = new Lookup(type, Optional.ofNullable(find(type)));
            last = lookup;
        }
        return lookup.method();
    }

    /** Upgrades the request through {@code method} (from {@link #of}); the container answers it. */
    static void invoke(Method method, Object container, HttpServletRequest request, HttpServletResponse response,
            ServerEndpointConfig config) throws IOException, ServletException {
        try {
            method.invoke(container, request, response, config, Map.of());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof ServletException servlet) {
                throw servlet;
            } else if (cause instanceof RuntimeException runtime) {
                throw runtime;
            } else if (cause instanceof Error error) {
                throw error;
            } else if (cause instanceof DeploymentException) {
                throw new ServletException("the container refused the RFC 6455 upgrade", cause);
            }
            throw new ServletException("the container's RFC 6455 upgrade failed", cause);
        } catch (IllegalAccessException e) {
            throw new ServletException("the container's RFC 6455 upgrade is not accessible", e);
        }
    }

    private static Method find(Class<?> type) {
        Method standard = publicMethod(ServerContainer.class, STANDARD, Object.class, Object.class,
                ServerEndpointConfig.class, Map.class);
        if (standard != null && ServerContainer.class.isAssignableFrom(type)) {
            return standard;
        }
        Method ahead = publicMethod(type, STANDARD, Object.class, Object.class, ServerEndpointConfig.class, Map.class);
        if (ahead != null) {
            return ahead;
        }
        return publicMethod(type, TOMCAT, HttpServletRequest.class, HttpServletResponse.class,
                ServerEndpointConfig.class, Map.class);
    }

    private static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
