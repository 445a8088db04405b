package io.github.hixie76.rfc6455;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Handshake;
import io.github.hixie76.engine.EndpointContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * RFC 6455 through the container's own {@code jakarta.websocket}: an accepted request is
 * handed to the container's upgrade call ({@link ContainerUpgrade}: Jakarta's
 * {@code ServerContainer.upgradeHttpToWebSocket}, Tomcat 8.5/9's {@code doUpgrade}) with a configuration made for it,
 * whose configurator gives the container an {@link AdapterEndpoint} for the application's
 * {@link Endpoint}. No RFC 6455 code is written here: the container's implementation is the
 * tested one. Stateless and thread-safe.
 */
public final class Rfc6455Upgrade {

    private Rfc6455Upgrade() {
    }

    /** The context attribute where a container puts its {@code ServerContainer} (Jakarta WebSocket 2.1 §6.4). */
    public static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

    /**
     * Whether this container can upgrade a request to its WebSocket implementation from a
     * servlet: false on javax containers other than Tomcat 8.5/9 (Jetty 10, Undertow 2.2),
     * which then serve hixie-76 only. {@code container}: the context's {@link #SERVER_CONTAINER}.
     */
    public static boolean supports(Object container) {
        return ContainerUpgrade.of(container).isPresent();
    }

    /**
     * Upgrades the request (the caller asked {@link #supports} first); the container answers it (101, or its own 4xx for a malformed RFC
     * 6455 request). {@code container} is the context's {@link #SERVER_CONTAINER} attribute;
     * {@code subprotocol} is the one agreed, or null. Callers reach this class only once the
     * container has that attribute: loading it needs the {@code jakarta.websocket} classes,
     * which a container without WebSocket support lacks (a {@link LinkageError} then).
     */
    public static void upgrade(Object container, HttpServletRequest request, HttpServletResponse response,
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
        Method upgrade = ContainerUpgrade.of(container).orElseThrow(
                () -> new ServletException(container.getClass().getName() + " has no RFC 6455 upgrade call"));
        ContainerUpgrade.invoke(upgrade, container, request, response, config);
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
