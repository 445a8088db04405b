package io.github.hixie76.relay;

import io.github.hixie76.engine.EndpointContext;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One relay: hixie-76 clients of one path bridged to an RFC 6455 backend through the JDK's
 * {@link java.net.http.WebSocket}. Owns the {@link HttpClient} its backend connections share
 * and the threads that client runs on, and the backend connect timeout. {@link #open} opens the
 * backend connection for a handshake the edge accepted, before the client is answered, and
 * waits for it no longer than the connect timeout. Thread-safe.
 */
public final class Relay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Relay.class.getName());

    private final String name;
    private final Duration connectTimeout;
    /** The client's threads; the client refers to it as long as its selector thread lives. */
    private final ThreadPoolExecutor executor;
    /**
     * Made on the first backend connection (a relay never used starts no thread), by
     * {@link DetachedClient}: its selector thread outlives the relay (until the client is
     * collected, and up to 3 s more), so it must hold nothing of the application.
     */
    private HttpClient client; // guarded by this
    /** The endpoints whose backend connection is open, for {@link #close}. */
    private final Set<RelayEndpoint> open = ConcurrentHashMap.newKeySet();
    /** How long {@link #close} waits for the backends' closes to be written: the endpoint's close timeout. */
    private volatile Duration closeTimeout = Duration.ofSeconds(1);

    /**
     * @param name what the logs call it (the servlet or filter name)
     */
    public Relay(String name, Duration connectTimeout) {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("backendConnectTimeoutMs must be > 0");
        }
        this.name = name;
        this.connectTimeout = connectTimeout;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "hixie76-relay-" + name + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = DetachedClient.build(HttpClient.newBuilder().connectTimeout(connectTimeout).executor(executor));
        }
        return client;
    }

    /** The backend connect timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Opens the backend connection for one client: {@code headers} are sent as they are (the
     * JDK refuses Host, Connection, Upgrade, Content-Length, Expect and the Sec-WebSocket-*
     * fields: those it writes itself), {@code subprotocol} (null: none) is offered. Returns,
     * within the connect timeout, the endpoint for the client's session or why the client is
     * refused. A backend that agrees no subprotocol when the client asked for one is refused
     * (502): hixie-76 has no way to tell the client it got none (§5.2 echoes what it asked).
     * {@code shared}: the client endpoint's limits (which the backend side keeps too: the size
     * of a message, the bytes waiting for either side, the close timeout), counters and timers.
     */
    public Opening open(URI backend, Map<String, String> headers, String subprotocol, EndpointContext shared) {
        closeTimeout = shared.limits().closeTimeout();
        RelayEndpoint endpoint = new RelayEndpoint(name, backend, shared.limits(), shared.scheduler(), shared.counters(),
                open::remove);
        WebSocket.Builder builder = client().newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(builder::header);
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        CompletableFuture<WebSocket> opening;
        try {
            opening = builder.buildAsync(backend, endpoint.backendListener());
        } catch (IllegalArgumentException e) {
            return refused(backend, 502, "backend-failed", "the relay could not open its backend connection", e);
        }
        WebSocket socket;
        try {
            socket = opening.get(connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(WebSocket::abort); // too late: nobody waits for it
            return refused(backend, 504, "backend-timeout", "the backend did not accept the WebSocket connection"
                    + " within " + connectTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            return refusal(backend, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(WebSocket::abort);
            return refused(backend, 503, "backend-failed", "the server is stopping", e);
        }
        endpoint.attach(socket); // the listener's onOpen may not have run yet
        open.add(endpoint);
        if (endpoint.backendEnded()) {
            open.remove(endpoint); // it ended before it was added
        }
        if (subprotocol != null && !subprotocol.equals(socket.getSubprotocol())) {
            endpoint.abandon();
            return refused(backend, 502, "backend-subprotocol", "the backend agreed no subprotocol '" + subprotocol
                    + "'", null);
        }
        endpoint.expectClientWithin(shared.limits().handshakeTimeout().plus(shared.limits().closeTimeout()));
        String agreed = socket.getSubprotocol();
        return new Opening.Opened(endpoint, agreed == null || agreed.isEmpty() ? null : agreed);
    }

    /** What the client is told when the JDK could not open the backend connection. */
    private Opening refusal(URI backend, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            return refused(backend, 502, "backend-refused", "the backend refused the WebSocket handshake with "
                    + status, cause);
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
            return refused(backend, 504, "backend-timeout", "the backend did not accept the WebSocket connection"
                    + " within " + connectTimeout.toMillis() + " ms", cause);
        }
        if (cause instanceof IllegalArgumentException) { // the JDK refuses some headers this way, not at header()
            return refused(backend, 502, "backend-failed", "the relay could not open its backend connection", cause);
        }
        if (cause instanceof ConnectException) {
            return refused(backend, 502, "backend-unreachable", "the backend is unreachable (connection refused)",
                    cause);
        }
        String what = cause instanceof IOException ? "failed" : "could not be opened";
        return refused(backend, 502, "backend-unreachable", "the backend connection " + what + ": "
                + cause.getClass().getSimpleName(), cause);
    }

    private Opening refused(URI backend, int status, String kind, String reason, Throwable cause) {
        LOG.log(Level.DEBUG, "{0}: backend {1}: {2} ({3})", name, backend, reason, cause);
        return new Opening.Refused(status, kind, reason);
    }

    /**
     * The application is stopping. Open sessions are closed by the endpoint's session group
     * first, and their backends with them (1001); this waits, up to the close timeout, for those
     * closes to be written, then ends every backend connection still open without waiting for
     * its answer (the endpoint's timers, which would abort a backend that never answers, are
     * gone), and waits what is left of that time for the relay's threads to end. The JDK
     * client's selector thread ends
     * when the client is collected (JDK 17 has no {@code HttpClient.close}; JDK 21's waits for
     * open WebSockets, which a stopping application must not); until then it refers to the
     * executor, whose thread factory, a class of the application, is replaced by the JDK's.
     */
    @Override
    public void close() {
        List<RelayEndpoint> live = List.copyOf(open);
        CompletableFuture<?> written = CompletableFuture.allOf(live.stream().map(RelayEndpoint::stopping)
                .toArray(CompletableFuture[]::new));
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        try {
            written.get(closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.log(Level.DEBUG, "{0}: not every backend took its close within {1} ms", name, closeTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        live.forEach(RelayEndpoint::abortBackend); // its answer would come to nobody: the timers are gone
        executor.shutdown();
        executor.setThreadFactory(Executors.defaultThreadFactory()); // no new thread is made after shutdown
        try {
            if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.DEBUG, "{0}: the relay's threads still run", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            client = null; // the selector thread ends once the client is collected
        }
    }

    @Override
    public String toString() {
        return "Relay[" + name + "]";
    }
}
