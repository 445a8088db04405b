package io.github.hixie76.transport;

import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.Wire;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.Function;

/**
 * The one place that picks a transport for an accepted handshake, by the container the
 * request came from: Jetty 12's connection-level upgrade on Jetty 12 ({@link JettyTransport}),
 * the servlet upgrade ({@link ServletUpgradeHandler}) elsewhere, with the container's close
 * workaround (Tomcat) or its async and idle timeouts lifted (Jetty 10). Stateless.
 */
public final class Transports {

    private static final System.Logger LOG = System.getLogger(Transports.class.getName());

    /** The containers whose quirks a transport works around, told apart by their request class. */
    enum Container {
        /** Jetty 12, whose servlet request is of an environment's package (ee10, ee11). */
        JETTY,
        /** Jetty 10 (and 9.4, 11), whose servlet request is {@code org.eclipse.jetty.server.Request}. */
        JETTY_10,
        TOMCAT, OTHER;

        static Container of(ServletRequest request) {
            while (request instanceof ServletRequestWrapper wrapper) {
                request = wrapper.getRequest();
            }
            String type = request.getClass().getName();
            if (type.startsWith("org.eclipse.jetty.server.")) {
                return JETTY_10;
            }
            return type.startsWith("org.eclipse.jetty.") ? JETTY : type.startsWith("org.apache.catalina.") ? TOMCAT : OTHER;
        }
    }

    private Transports() {
    }

    /**
     * Whether key3 sent as a request body ({@code Content-Length: 8}) must be read by the
     * servlet before the upgrade: Tomcat swallows it otherwise, and Jetty 12 hands it over
     * either way. Jetty 10 ends the upgraded input at once when the body was read (its input
     * stays at the body's end), but passes the unread body on as the upgraded stream's first bytes.
     */
    public static boolean readsKey3Body(HttpServletRequest request) {
        return Container.of(request) != Container.JETTY_10;
    }

    /**
     * Upgrades the connection once {@code service()} returns; the caller has set the 101
     * status and the handshake's headers. {@code connections} makes the engine on the chosen
     * wire; {@code bodyKey3} is key3 when it came as the request body, else null.
     */
    public static void upgrade(HttpServletRequest request, HttpServletResponse response,
            Function<Wire, Connection> connections, byte[] bodyKey3) throws IOException {
        Container container = Container.of(request);
        if (container == Container.JETTY) {
            JettyTransport jetty = JettyTransport.of(request);
            if (jetty != null) {
                jetty.upgradeAfterResponse(connections, bodyKey3);
                return;
            }
        }
        ServletUpgradeHandler.CloseHook closeHook = switch (container) {
            case JETTY -> completeAsync(request);
            case TOMCAT -> new TomcatNudge();
            case JETTY_10, OTHER -> null;
        };
        ServletUpgradeHandler handler;
        try {
            handler = request.upgrade(ServletUpgradeHandler.class);
        } catch (ServletException e) {
            throw new IOException("the container refused the upgrade", e);
        }
        if (closeHook == null && request.isAsyncStarted()) {
            // Jetty 10 runs the upgraded connection inside an async context it started itself in
            // upgrade(), with the default 30 s timeout, which would end a busy connection too;
            // closing the upgraded streams does not end the TCP connection there until that
            // context completes.
            AsyncContext async = request.getAsyncContext();
            async.setTimeout(0);
            closeHook = completing(async);
        }
        if (container == Container.JETTY_10) {
            Jetty10Idle.lift(request);
        }
        if (closeHook == null) {
            closeHook = ServletUpgradeHandler.CloseHook.NONE;
        }
        // Jetty's upgrade() replaces Upgrade with the request's value (Netty's client sends
        // "websocket"); the draft's server sends exactly "WebSocket" (§5.2) and strict clients
        // compare it exactly (§4.1). The response is not committed until service() returns.
        response.setHeader("Upgrade", "WebSocket");
        handler.prepare(connections, bodyKey3, closeHook);
    }

    /**
     * The servlet upgrade on Jetty, when its connection API is out of reach: the upgraded
     * connection runs inside an async context whose default 30 s timeout would end it. The
     * hook completes that context once the engine is done.
     */
    private static ServletUpgradeHandler.CloseHook completeAsync(HttpServletRequest request) {
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        return completing(async);
    }

    /** A hook that completes the async context an upgraded connection runs in, once the engine is done. */
    private static ServletUpgradeHandler.CloseHook completing(AsyncContext async) {
        return (out, inCallback) -> {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.log(Level.DEBUG, "async context already complete", e);
            }
        };
    }
}
