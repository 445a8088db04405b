package io.github.hixie76.rfc6455;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.engine.EndpointContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * RFC 6455 through the container's own {@code jakarta.websocket}: an accepted request is
 * handed to {@link ServerContainer#upgradeHttpToWebSocket} with a configuration made for it,
 * whose configurator gives the container an {@link AdapterEndpoint} for the application's
 * {@link Endpoint}. No RFC 6455 code is written here: the container's implementation is the
 * tested one. Stateless and thread-safe.
 */
public final class Rfc6455Upgrade {

    private Rfc6455Upgrade() {
    }

    /** Whether a request is an RFC 6455 opening handshake (RFC 6455 §4.1: Sec-WebSocket-Version or -Key, no hixie-76 keys). */
    public static boolean isRequest(HttpServletRequest request) {
        return request.getHeader("Sec-WebSocket-Key1") == null && request.getHeader("Sec-WebSocket-Key2") == null
                && (request.getHeader("Sec-WebSocket-Version") != null || request.getHeader("Sec-WebSocket-Key") != null);
    }

    /** The container's WebSocket server, or null when it has none (Jetty without its websocket module, say). */
    public static ServerContainer container(ServletContext context) {
        try {
            return (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        } catch (LinkageError e) {
            return null; // no jakarta.websocket classes at all
        }
    }

    /**
     * Upgrades the request; the container answers it (101, or its own 4xx for a malformed RFC
     * 6455 request). {@code subprotocol} is the one agreed, or null.
     */
    public static void upgrade(ServerContainer container, HttpServletRequest request, HttpServletResponse response,
            Endpoint endpoint, Handshake handshake, String subprotocol, EndpointContext shared)
            throws IOException, ServletException {
        AdapterEndpoint adapter = new AdapterEndpoint(
                socket -> new Rfc6455Session(socket, endpoint, handshake, shared.group(), shared.counters(),
                        shared.limits().maxOutboundBytes()),
                shared.limits().maxMessageSize(), shared.limits().idleTimeout().toMillis());
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(AdapterEndpoint.class, "/")
                .subprotocols(subprotocol == null ? List.of() : List.of(subprotocol))
                .configurator(new Configurator(adapter, subprotocol))
                .build();
        try {
            container.upgradeHttpToWebSocket(request, response, config, Map.of());
        } catch (DeploymentException e) {
            throw new ServletException("the container refused the RFC 6455 upgrade", e);
        }
    }

    /** Hands the container this connection's adapter, and the subprotocol the edge agreed. */
    private static final class Configurator extends ServerEndpointConfig.Configurator {
        private final AdapterEndpoint adapter;
        private final String subprotocol;

        Configurator(AdapterEndpoint adapter, String subprotocol) {
            this.adapter = adapter;
            this.subprotocol = subprotocol;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> type) {
            return type.cast(adapter);
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return subprotocol == null ? "" : subprotocol;
        }

        @Override
        public boolean checkOrigin(String origin) {
            return true; // the edge applied the origin policy before the upgrade
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            // the edge copied what the session keeps of the request before the upgrade
        }
    }
}
