package io.github.hixie76.transport;

import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.Wire;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The transport for Jetty 12: a connection-level upgrade, as Jetty's own WebSocket stack does
 * it, instead of {@code HttpServletRequest.upgrade}. Jetty's servlet upgrade loses a key3 that
 * arrives in a later read than the headers (measured on Jetty 12.1.14: the upgraded input
 * reports end of stream and Jetty parses key3 as a new request); a connection set as the
 * request attribute {@code HttpStream.UPGRADE_CONNECTION_ATTRIBUTE} is instead handed, when the
 * 101 response completes, every byte Jetty has already read, and reads the rest itself.
 *
 * <p>The bytes read after the request are taken in {@code service()}: when the response
 * completes, Jetty's HTTP parser discards CR and LF bytes following a complete request (as
 * it may between pipelined requests), and those may be the first bytes of key3 (measured:
 * every such handshake failed on Jetty 12.1.14 before this).
 *
 * <p>Jetty's API is reached through {@link JettyApi}. When it cannot be reached, {@link #of}
 * returns null and the servlet upgrade serves instead.
 *
 * <p>Thread-safety: Jetty serialises fill callbacks; at most one write is pending at a time,
 * which the engine ensures through {@link #isReady()}; the rest is the engine's.
 */
final class JettyTransport implements Wire, InvocationHandler {

    private static final System.Logger LOG = System.getLogger(JettyTransport.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(16 * 1024));

    private final JettyApi api;
    /** Jetty's request and HTTP connection: needed until the upgrade is asked for, then let go (they hold buffers and parser state). */
    private Object coreRequest;
    private Object httpConnection;
    private final Object endPoint;
    private final Object connection;
    private final Object onFillable;
    private final Object onWritten;
    private final long created = System.currentTimeMillis();
    private volatile Function<Wire, Connection> connections;
    /** Made when Jetty opens the connection: a 101 that never completes leaves nothing behind. */
    private volatile Connection engine;
    private volatile byte[] bodyKey3;
    private volatile ByteBuffer alreadyRead;
    private volatile boolean writing;
    private volatile Thread writer;
    /** Guarded by this (a field, not an AtomicBoolean: every idle connection keeps one). */
    private boolean closed;

    private JettyTransport(JettyApi api, Object coreRequest) throws IOException {
        this.api = api;
        this.coreRequest = coreRequest;
        this.httpConnection = api.httpConnection(coreRequest);
        this.endPoint = api.endPoint(httpConnection);
        this.connection = api.newConnection(this);
        this.onFillable = api.newCallback(this);
        this.onWritten = api.newCallback(this);
    }

    /** The transport for this request's connection, or null when not on a reachable Jetty 12. */
    static JettyTransport of(ServletRequest request) {
        ServletRequest unwrapped = request;
        while (unwrapped instanceof ServletRequestWrapper wrapper) {
            unwrapped = wrapper.getRequest();
        }
        try {
            JettyApi api = JettyApi.of(unwrapped.getClass());
            return new JettyTransport(api, api.coreRequest(unwrapped));
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot reach Jetty''s connection API ({0}); using the servlet upgrade, which "
                        + "loses a key3 sent after the headers", e.toString());
            }
            return null;
        }
    }

    /**
     * Asks Jetty to hand the connection over once the 101 response (set by the caller) is
     * complete. {@code bodyKey3} is key3 when it came as the request body, else null.
     */
    void upgradeAfterResponse(Function<Wire, Connection> connections, byte[] bodyKey3) throws IOException {
        // Take the bytes read after the request now: Jetty's parser would discard CR and LF
        // bytes there when the response completes, and they may begin key3.
        ByteBuffer unparsed = api.takeUnparsed(httpConnection);
        if (unparsed != null) {
            alreadyRead = ByteBuffer.allocate(unparsed.remaining()).put(unparsed).flip();
        }
        this.connections = connections;
        this.bodyKey3 = bodyKey3;
        api.upgradeTo(coreRequest, connection);
        coreRequest = null;
        httpConnection = null;
    }

    // ---- Jetty's calls on the proxies: the connection and the two callbacks

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (proxy != connection) {
            return onCallback(proxy == onFillable, proxy, method, args);
        }
        if (JettyApi.is(method, api.onOpen)) {
            onOpen();
        } else if (JettyApi.is(method, api.onClose)) {
            if (engine != null) {
                engine.onEnd();
            }
        } else if (JettyApi.is(method, api.onUpgradeTo)) {
            ByteBuffer bytes = (ByteBuffer) args[0];
            if (bytes != null && bytes.hasRemaining()) {
                throw new IllegalStateException("bytes after the request were read after service(): " + bytes);
            }
        } else if (JettyApi.is(method, api.onIdleExpired)) {
            return false; // hixie-76 has no ping: an idle connection is a healthy one
        } else if (JettyApi.is(method, api.connectionGetEndPoint)) {
            return endPoint;
        } else if (JettyApi.is(method, api.connectionClose)) {
            close();
        } else if (JettyApi.is(method, api.getCreatedTimeStamp)) {
            return created;
        } else if (api.statistics.contains(method)) {
            return -1L;
        } else if (!api.listeners.contains(method)) {
            return JettyApi.objectMethod(proxy, method, args, "hixie-76 " + engine);
        }
        return null;
    }

    /** Jetty's calls on a callback: {@code fill} tells the fill callback from the write callback. */
    private Object onCallback(boolean fill, Object callback, Method method, Object[] args) throws Throwable {
        if (JettyApi.is(method, api.succeeded)) {
            if (fill) {
                onFillable();
            } else {
                onWritten();
            }
        } else if (JettyApi.is(method, api.failed)) {
            if (fill) {
                engine.onError((Throwable) args[0]);
            } else {
                onWriteFailed((Throwable) args[0]);
            }
        } else if (JettyApi.is(method, api.getInvocationType)) {
            return api.blocking;
        } else {
            return JettyApi.objectMethod(callback, method, args, fill ? "hixie-76 fill" : "hixie-76 write");
        }
        return null;
    }

    private void onOpen() throws IOException {
        engine = connections.apply(this);
        connections = null;
        api.setIdleTimeout(endPoint, 0L);
        engine.start(bodyKey3);
        bodyKey3 = null;
        if (alreadyRead != null) {
            engine.onData(alreadyRead);
            alreadyRead = null;
        }
        api.fillInterested(endPoint, onFillable);
    }

    private void onFillable() {
        ByteBuffer buffer = READ_BUFFER.get();
        try {
            while (!engine.isClosed()) {
                buffer.clear().limit(0);
                int n = api.fill(endPoint, buffer);
                if (n < 0) {
                    engine.onEnd();
                    return;
                }
                if (n == 0) {
                    api.fillInterested(endPoint, onFillable);
                    return;
                }
                engine.onData(buffer);
            }
        } catch (IOException e) {
            engine.onError(e);
        }
    }

    // ---- Wire

    @Override
    public boolean isReady() {
        return !writing;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        write(new ByteBuffer[] {bytes});
    }

    /** All of them in one {@code EndPoint.write}: Jetty writes them with one gathering write. */
    @Override
    public int write(ByteBuffer[] frames) throws IOException {
        writing = true;
        writer = Thread.currentThread();
        try {
            api.write(endPoint, onWritten, frames);
        } finally {
            writer = null;
        }
        return frames.length;
    }

    @Override
    public void flush() {
        // every write goes straight to the EndPoint
    }

    @Override
    public void close() {
        if (closeOnce()) {
            try {
                api.close(endPoint);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing Jetty's EndPoint", e);
            }
        }
    }

    private synchronized boolean closeOnce() {
        boolean first = !closed;
        closed = true;
        return first;
    }

    private void onWritten() {
        writing = false;
        // A write that completes inside write() is seen by the engine's own loop.
        if (writer != Thread.currentThread()) {
            engine.onWritable();
        }
    }

    private void onWriteFailed(Throwable error) {
        writing = false;
        engine.onError(error);
    }
}
