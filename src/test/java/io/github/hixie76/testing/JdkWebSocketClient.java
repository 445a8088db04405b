package io.github.hixie76.testing;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * An RFC 6455 client for tests: the JDK's {@link java.net.http.WebSocket} (a client nobody
 * here wrote) behind blocking calls with a deadline on every wait. Text messages are collected
 * whole; the server's close frame is kept as a {@link Close}. Thread-safe as the JDK's
 * WebSocket is; one thread receives.
 */
public final class JdkWebSocketClient implements AutoCloseable {

    /** The close frame the server sent: its status code and reason. */
    public record Close(int code, String reason) {
        @Override
        public String toString() {
            return code + (reason.isEmpty() ? "" : " '" + reason + "'");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final WebSocket socket;
    private final Listener listener;

    private JdkWebSocketClient(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    /** Opens a connection; origin null sends none. A refused handshake throws {@link Refused}. */
    public static JdkWebSocketClient connect(URI uri, String origin, Duration deadline) throws IOException {
        return connect(uri, deadline, false, builder -> origin == null ? builder : builder.header("Origin", origin));
    }

    /**
     * Opens a connection with what {@code options} sets on the JDK's builder (headers,
     * subprotocols offered). {@code paused}: the client asks for no message until
     * {@link #request} does, so the server's writes back up. A refused handshake throws
     * {@link Refused}.
     */
    public static JdkWebSocketClient connect(URI uri, Duration deadline, boolean paused,
            UnaryOperator<WebSocket.Builder> options) throws IOException {
        Listener listener = new Listener(paused);
        WebSocket.Builder builder = options.apply(HTTP.newWebSocketBuilder().connectTimeout(deadline));
        try {
            WebSocket socket = builder.buildAsync(uri, listener).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return new JdkWebSocketClient(socket, listener);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new Refused(uri, refused.getResponse());
            }
            throw new IOException("RFC 6455 connection to " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("RFC 6455 handshake with " + uri + " not done within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A refused opening handshake: the server's HTTP answer. */
    public static final class Refused extends IOException {
        private final transient HttpResponse<?> response;

        Refused(URI uri, HttpResponse<?> response) {
            super("RFC 6455 handshake with " + uri + " refused with " + response.statusCode()
                    + (String.valueOf(response.body()).isEmpty() ? "" : ": " + response.body()));
            this.response = response;
        }

        public int status() {
            return response.statusCode();
        }

        /** The response body: the server's reason. */
        public String body() {
            return String.valueOf(response.body());
        }
    }

    /** The subprotocol the server agreed to, or "" for none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Asks for {@code n} more messages; only a {@code paused} client needs it. */
    public void request(long n) {
        socket.request(n);
    }

    /** Sends one whole text message, waiting until the JDK has written it. */
    public void send(String text, Duration deadline) throws IOException {
        await(socket.sendText(text, true), deadline, "sending a text message");
    }

    /** Sends one whole binary message. */
    public void sendBinary(byte[] data, Duration deadline) throws IOException {
        await(socket.sendBinary(ByteBuffer.wrap(data), true), deadline, "sending a binary message");
    }

    /** Starts the closing handshake with this code; the server's answer comes to {@link #awaitClose}. */
    public void sendClose(int code, String reason, Duration deadline) throws IOException {
        await(socket.sendClose(code, reason), deadline, "sending a close frame");
    }

    /**
     * The next whole text message, or null once the server closed; throws
     * {@link SocketTimeoutException} when neither came in time.
     */
    public String awaitMessage(Duration deadline) throws IOException {
        try {
            Object next = listener.events.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                throw new SocketTimeoutException("no message and no close within " + deadline.toMillis() + " ms");
            }
            if (next instanceof String text) {
                return text;
            }
            listener.events.add(next); // the end stays for the next call
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The server's close frame; throws when the connection did not end with one in time. */
    public Close awaitClose(Duration deadline) throws IOException {
        try {
            return listener.closed.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no close frame from the server within " + deadline.toMillis() + " ms"
                    + (listener.events.isEmpty() ? "" : "; pending: " + listener.events.peek()));
        } catch (ExecutionException e) {
            throw new IOException("the connection failed without a close frame: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Whether a close frame or an error ended the connection already. */
    public boolean isClosed() {
        return listener.closed.isDone();
    }

    /** Ends the connection at once (no closing handshake) if it is still open. */
    @Override
    public void close() {
        socket.abort();
    }

    private static void await(CompletableFuture<?> step, Duration deadline, String what) throws IOException {
        try {
            step.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " not done within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private static final Object END = new Object() {
            @Override
            public String toString() {
                return "the end of the connection";
            }
        };

        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Close> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final boolean paused;

        Listener(boolean paused) {
            this.paused = paused;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            requestNext(webSocket);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(partial.toString());
                partial.setLength(0);
            }
            requestNext(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            events.add("<binary " + data.remaining() + " bytes>");
            requestNext(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            events.add(END);
            return null; // the JDK answers with a close frame of its own
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
            events.add(END);
        }

        private void requestNext(WebSocket webSocket) {
            if (!paused) {
                webSocket.request(1);
            }
        }
    }
}
