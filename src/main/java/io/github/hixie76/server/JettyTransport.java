package io.github.hixie76.server;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The transport for Jetty 12: a connection-level upgrade, as Jetty's own WebSocket stack does
 * it, instead of {@code HttpServletRequest.upgrade}. Jetty's servlet upgrade loses a key3 that
 * arrives in a later read than the headers (notes §5); a connection set as the request
 * attribute {@code HttpStream.UPGRADE_CONNECTION_ATTRIBUTE} is instead handed, when the 101
 * response completes, every byte Jetty has already read, and reads the rest itself.
 *
 * <p>The bytes read after the request are taken in {@code service()}: when the response
 * completes, Jetty's HTTP parser discards CR and LF bytes following a complete request (as
 * it may between pipelined requests), and those may be the first bytes of key3 (measured:
 * every such handshake failed on Jetty 12.1.14 before this).
 *
 * <p>A webapp does not see Jetty's classes, so the connection and its callbacks are
 * {@link Proxy} instances of Jetty's interfaces made in Jetty's class loader, and Jetty's
 * methods are called by reflection. When Jetty's API cannot be reached, {@link #of} returns
 * null and the servlet upgrade serves instead.
 *
 * <p>Thread-safety: Jetty serialises fill callbacks; at most one write is pending at a time,
 * which the engine ensures through {@link #isReady()}; the rest is the engine's.
 */
final class JettyTransport implements Wire, InvocationHandler {

    private static final System.Logger LOG = System.getLogger(JettyTransport.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final ConcurrentHashMap<ClassLoader, Api> APIS = new ConcurrentHashMap<>();
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(16 * 1024));

    /** Jetty's types and methods, looked up once per Jetty class loader. */
    private record Api(Class<?> connection, Class<?> upgradeTo, Class<?> callback, String attribute,
            Method getRequest, Method setAttribute, Method getConnectionMetaData, Method getConnection,
            Method getEndPoint, Method fill, Method fillInterested, Method write, Method close,
            Method setIdleTimeout, Method onUpgradeFrom) {

        static Api of(ClassLoader jetty, Class<?> servletRequest) throws ReflectiveOperationException {
            Class<?> request = Class.forName("org.eclipse.jetty.server.Request", false, jetty);
            Class<?> metaData = Class.forName("org.eclipse.jetty.server.ConnectionMetaData", false, jetty);
            Class<?> connection = Class.forName("org.eclipse.jetty.io.Connection", false, jetty);
            Class<?> endPoint = Class.forName("org.eclipse.jetty.io.EndPoint", false, jetty);
            Class<?> callback = Class.forName("org.eclipse.jetty.util.Callback", false, jetty);
            Class<?> attributes = Class.forName("org.eclipse.jetty.util.Attributes", false, jetty);
            String attribute = (String) Class.forName("org.eclipse.jetty.server.HttpStream", false, jetty)
                    .getField("UPGRADE_CONNECTION_ATTRIBUTE").get(null);
            Api api = new Api(connection, Class.forName("org.eclipse.jetty.io.Connection$UpgradeTo", false, jetty), callback,
                    attribute, servletRequest.getMethod("getRequest"),
                    attributes.getMethod("setAttribute", String.class, Object.class),
                    request.getMethod("getConnectionMetaData"), metaData.getMethod("getConnection"),
                    connection.getMethod("getEndPoint"), endPoint.getMethod("fill", ByteBuffer.class),
                    endPoint.getMethod("fillInterested", callback),
                    endPoint.getMethod("write", callback, ByteBuffer[].class), endPoint.getMethod("close"),
                    endPoint.getMethod("setIdleTimeout", long.class),
                    Class.forName("org.eclipse.jetty.io.Connection$UpgradeFrom", false, jetty).getMethod("onUpgradeFrom"));
            // Public methods of public types, but a Method checks its caller on every call unless told not to;
            // fill and write run for every read and every frame.
            for (Method method : List.of(api.getRequest, api.setAttribute, api.getConnectionMetaData, api.getConnection,
                    api.getEndPoint, api.fill, api.fillInterested, api.write, api.close, api.setIdleTimeout,
                    api.onUpgradeFrom)) {
                method.trySetAccessible();
            }
            return api;
        }
    }

    private final Api api;
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
    private final AtomicBoolean closed = new AtomicBoolean();

    private JettyTransport(Api api, Object coreRequest, Object httpConnection, Object endPoint, ClassLoader jetty) {
        this.api = api;
        this.httpConnection = httpConnection;
        this.coreRequest = coreRequest;
        this.endPoint = endPoint;
        this.connection = Proxy.newProxyInstance(jetty, new Class<?>[] {api.connection, api.upgradeTo}, this);
        this.onFillable = callback(jetty, this::onFillable, error -> engine.onError(error));
        this.onWritten = callback(jetty, this::onWritten, this::onWriteFailed);
    }

    /** The transport for this request's connection, or null when not on a reachable Jetty 12. */
    static JettyTransport of(ServletRequest request) {
        ServletRequest unwrapped = request;
        while (unwrapped instanceof ServletRequestWrapper wrapper) {
            unwrapped = wrapper.getRequest();
        }
        try {
            ClassLoader jetty = unwrapped.getClass().getClassLoader();
            Class<?> servletRequest = unwrapped.getClass();
            Api api = APIS.get(jetty);
            if (api == null) {
                api = Api.of(jetty, servletRequest);
                APIS.putIfAbsent(jetty, api);
            }
            Object core = api.getRequest.invoke(unwrapped);
            Object httpConnection = api.getConnection.invoke(api.getConnectionMetaData.invoke(core));
            Object endPoint = api.getEndPoint.invoke(httpConnection);
            return new JettyTransport(api, core, httpConnection, endPoint, jetty);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
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
    void upgradeAfterResponse(ServletRequest request, Function<Wire, Connection> connections, byte[] bodyKey3)
            throws IOException {
        // Take the bytes read after the request now: Jetty's parser would discard CR and LF
        // bytes there when the response completes, and they may begin key3.
        ByteBuffer unparsed = (ByteBuffer) invoke(api.onUpgradeFrom, httpConnection);
        if (unparsed != null) {
            alreadyRead = ByteBuffer.allocate(unparsed.remaining()).put(unparsed).flip();
        }
        this.connections = connections;
        this.bodyKey3 = bodyKey3;
        invoke(api.setAttribute, coreRequest, api.attribute, connection);
        coreRequest = null;
        httpConnection = null;
    }

    // ---- Jetty's calls on the proxy connection

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "onUpgradeTo" -> {
                ByteBuffer bytes = (ByteBuffer) args[0];
                if (bytes != null && bytes.hasRemaining()) {
                    throw new IllegalStateException("bytes after the request were read after service(): " + bytes);
                }
                return null;
            }
            case "onOpen" -> {
                onOpen();
                return null;
            }
            case "onClose" -> {
                if (engine != null) {
                    engine.onEnd();
                }
                return null;
            }
            case "onIdleExpired" -> {
                // hixie-76 has no ping: an idle connection is a healthy one
                return false;
            }
            case "getEndPoint" -> {
                return endPoint;
            }
            case "close" -> {
                close();
                return null;
            }
            case "getMessagesIn", "getMessagesOut", "getBytesIn", "getBytesOut" -> {
                return -1L;
            }
            case "getCreatedTimeStamp" -> {
                return created;
            }
            case "addEventListener", "removeEventListener" -> {
                return null;
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "toString" -> {
                return "hixie-76 " + engine;
            }
            default -> {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
        }
    }

    private void onOpen() throws IOException {
        engine = connections.apply(this);
        invoke(api.setIdleTimeout, endPoint, 0L);
        engine.start(bodyKey3);
        if (alreadyRead != null) {
            engine.onData(alreadyRead);
            alreadyRead = null;
        }
        fillInterested();
    }

    private void onFillable() {
        ByteBuffer buffer = READ_BUFFER.get();
        try {
            while (engine.state() != Connection.State.CLOSED) {
                buffer.clear().limit(0);
                int n = (int) invoke(api.fill, endPoint, buffer);
                if (n < 0) {
                    engine.onEnd();
                    return;
                }
                if (n == 0) {
                    fillInterested();
                    return;
                }
                engine.onData(buffer);
            }
        } catch (IOException e) {
            engine.onError(e);
        }
    }

    private void fillInterested() throws IOException {
        invoke(api.fillInterested, endPoint, onFillable);
    }

    // ---- Wire

    @Override
    public boolean isReady() {
        return !writing;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        writing = true;
        writer = Thread.currentThread();
        try {
            invoke(api.write, endPoint, onWritten, new ByteBuffer[] {bytes});
        } finally {
            writer = null;
        }
    }

    @Override
    public void flush() {
        // every write goes straight to the EndPoint
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                invoke(api.close, endPoint);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing Jetty's EndPoint", e);
            }
        }
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

    private Object invoke(Method method, Object target, Object... args) throws IOException {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
    }

    /** A Jetty Callback (blocking invocation type: it may run application code). */
    private Object callback(ClassLoader jetty, Runnable succeeded, java.util.function.Consumer<Throwable> failed) {
        return Proxy.newProxyInstance(jetty, new Class<?>[] {api.callback}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "succeeded" -> succeeded.run();
                case "failed" -> failed.accept((Throwable) args[0]);
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "hixie-76 callback";
                }
                default -> {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
            }
            return null;
        });
    }
}
