package io.github.hixie76.rfc6455;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The {@code jakarta.websocket} endpoint the container runs for one RFC 6455 connection: it
 * applies the endpoint's limits to the container's session and hands its events to an
 * {@link Rfc6455Session}. Text only: a binary message closes the session with 1003, a text
 * message over the size limit makes the container close it with 1009. One instance per
 * connection; the container serialises its calls. Public only because containers insist on
 * it; applications never see it.
 */
public final class AdapterEndpoint extends Endpoint {

    private final Function<Session, Rfc6455Session> sessions;
    private final int maxMessageSize;
    private final long idleTimeoutMillis;
    private Rfc6455Session session;

    AdapterEndpoint(Function<Session, Rfc6455Session> sessions, int maxMessageSize, long idleTimeoutMillis) {
        this.sessions = sessions;
        this.maxMessageSize = maxMessageSize;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public void onOpen(Session socket, EndpointConfig config) {
        socket.setMaxTextMessageBufferSize(maxMessageSize);
        socket.setMaxBinaryMessageBufferSize(maxMessageSize);
        // 0 is "never", as the project's idleTimeoutMs; the containers' own defaults differ (Jetty: 30 s)
        socket.setMaxIdleTimeout(idleTimeoutMillis);
        session = sessions.apply(socket);
        socket.addMessageHandler(String.class, (MessageHandler.Whole<String>) session::onText);
        socket.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes -> refuseBinary(socket));
        session.onOpen();
    }

    private static void refuseBinary(Session socket) {
        try {
            socket.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "text messages only"));
        } catch (IOException e) {
            // the container ends the session and calls onClose
        }
    }

    @Override
    public void onClose(Session socket, CloseReason reason) {
        if (session != null) {
            session.onEnd(droppedBy(reason));
        }
    }

    /**
     * The limit a close code says the container applied, as the metrics name it, or null: 1009
     * is a message over the size limit; 1001 with a reason speaking of a timeout is the idle
     * timeout (Jetty: "Connection Idle Timeout"; Tomcat: "The WebSocket session [n] timeout
     * expired"), while a peer going away sends 1001 without one.
     */
    static String droppedBy(CloseReason reason) {
        int code = reason.getCloseCode().getCode();
        String phrase = reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        if (code == CloseReason.CloseCodes.TOO_BIG.getCode()) {
            return "message-size";
        }
        if (code == CloseReason.CloseCodes.GOING_AWAY.getCode() && (phrase.contains("idle") || phrase.contains("timeout"))) {
            return "idle-timeout";
        }
        return null;
    }

    @Override
    public void onError(Session socket, Throwable error) {
        if (session != null) {
            session.onError(error);
        }
    }
}
