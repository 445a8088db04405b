package io.github.hixie76.it;

import jakarta.websocket.CloseReason;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RFC 6455 endpoints the relay tests put behind relays: real {@code @ServerEndpoint}s served
 * by Jetty's jakarta.websocket, which know nothing of hixie-76. State is static (the container
 * makes the instances); tests run one at a time and {@link #reset} between them.
 */
public final class RelayBackend {

    /** The open sessions of {@link Chat}. */
    static final Set<Session> ROOM = ConcurrentHashMap.newKeySet();
    /** The request headers of each handshake {@link Chat} accepted, names case-insensitive. */
    static final BlockingQueue<Map<String, List<String>>> HANDSHAKES = new LinkedBlockingQueue<>();
    /** The close code each {@link Chat} session ended with. */
    static final BlockingQueue<Integer> CLOSES = new LinkedBlockingQueue<>();
    /** Messages the current flood has sent, and its thread. */
    static final AtomicInteger FLOODED = new AtomicInteger();
    static volatile Thread flood;

    private RelayBackend() {
    }

    static void reset() {
        HANDSHAKES.clear();
        CLOSES.clear();
        FLOODED.set(0);
        flood = null;
    }

    /**
     * A chat room: every message goes to every session, except commands: {@code binary} (a
     * binary message back), {@code close <code>} (the backend closes with that code),
     * {@code flood <count> <size>} (that many messages of that size back, from a thread of its
     * own, with blocking sends).
     */
    @ServerEndpoint(value = "/chat", subprotocols = "sample", configurator = Recorder.class)
    public static class Chat {
        @OnOpen
        public void open(Session session) {
            ROOM.add(session);
        }

        @OnMessage
        public void message(Session session, String text) throws IOException {
            String[] words = text.split(" ");
            switch (words[0]) {
                case "binary" -> session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                case "close" -> session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(
                        Integer.parseInt(words[1])), "asked to"));
                case "flood" -> flood(session, Integer.parseInt(words[1]), Integer.parseInt(words[2]));
                default -> {
                    for (Session member : ROOM) {
                        synchronized (member) {
                            member.getBasicRemote().sendText(text);
                        }
                    }
                }
            }
        }

        @OnClose
        public void close(Session session, CloseReason reason) {
            ROOM.remove(session);
            CLOSES.add(reason.getCloseCode().getCode());
        }

        private static void flood(Session session, int count, int size) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        String number = i + ":";
                        synchronized (session) {
                            session.getBasicRemote().sendText(number + "x".repeat(size - number.length()));
                        }
                        FLOODED.incrementAndGet();
                    }
                } catch (IOException | IllegalStateException e) {
                    // the relay closed the connection: the test sees it on its side
                }
            }, "backend-flood");
            flood = thread;
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Keeps the headers of each handshake. */
    public static class Recorder extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(request.getHeaders());
            HANDSHAKES.add(headers);
        }
    }

    /** Agrees no subprotocol, whatever the client offers. */
    @ServerEndpoint("/plain")
    public static class Plain {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Refuses every handshake: Jetty answers 403. */
    @ServerEndpoint(value = "/strict", configurator = Refuser.class)
    public static class Strict {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    public static class Refuser extends ServerEndpointConfig.Configurator {
        @Override
        public boolean checkOrigin(String origin) {
            return false;
        }
    }
}
