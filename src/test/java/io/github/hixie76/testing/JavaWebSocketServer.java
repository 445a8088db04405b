package io.github.hixie76.testing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_76;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket 1.3.4's {@code Draft_76} server (its client has bugs, its server speaks -76 to
 * a browser-style request), with {@code /echo} and {@code /chat} (broadcast to every open
 * {@code /chat} connection) as its own examples write them: a peer of the benchmark and of
 * ThirdPartyServersIT. Its lost-connection pings are off: -76 has no ping, and idle
 * connections must stay.
 *
 * <p>Thread-safe: Java-WebSocket calls back on its decoder threads.
 */
public final class JavaWebSocketServer implements AutoCloseable {

    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final boolean recordCloses;
    private final WebSocketServer server;

    /** {@code recordCloses}: keep how the application saw each close, for {@link #closes} (not in a benchmark). */
    public JavaWebSocketServer(boolean recordCloses) throws InterruptedException {
        this.recordCloses = recordCloses;
        CountDownLatch started = new CountDownLatch(1);
        server = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0), List.<Draft>of(new Draft_76())) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
                if (recordCloses) {
                    closes.add(code + " " + reason);
                }
            }

            @Override
            public void onMessage(WebSocket conn, String message) {
                if (conn.getResourceDescriptor().startsWith("/chat")) {
                    for (WebSocket other : connections()) {
                        if (other.isOpen() && other.getResourceDescriptor().startsWith("/chat")) {
                            other.send(message);
                        }
                    }
                } else {
                    conn.send(message);
                }
            }

            @Override
            public void onError(WebSocket conn, Exception e) {
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        server.setConnectionLostTimeout(0);
        server.start();
        if (!started.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java-WebSocket did not start within 30 s");
        }
    }

    public int port() {
        return server.getPort();
    }

    /** How the application saw each close, "code reason", in order, when it records them. */
    public BlockingQueue<String> closes() {
        return closes;
    }

    @Override
    public void close() {
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
