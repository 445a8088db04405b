package io.github.hixie76.transport;

import io.github.hixie76.engine.Connection;
import io.github.hixie76.engine.Wire;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The portable transport: moves bytes between the upgraded {@link WebConnection} and a
 * {@link Connection}, with a {@link ReadListener} and a {@link WriteListener} so that no thread
 * is held while a connection waits. The container creates it in {@code upgrade()} (hence
 * public, with a public no-argument constructor) and calls {@link #init} after the servlet
 * returns; {@link #prepare} must come in between.
 *
 * <p>Thread-safety: the container serialises each listener's callbacks; the engine guards the
 * rest.
 */
public final class ServletUpgradeHandler implements HttpUpgradeHandler {

    private static final System.Logger LOG = System.getLogger(ServletUpgradeHandler.class.getName());
    /** True on a thread running one of this transport's listener callbacks. */
    private static final ThreadLocal<Boolean> IN_CALLBACK = new ThreadLocal<>();
    /** Read buffer per container thread: the engine copies out what it keeps. */
    private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private Function<Wire, Connection> connections;
    private byte[] bodyKey3;
    private CloseHook closeHook;
    /** The connection a container gave {@link #init} before {@link #prepare} (Jetty 10); guarded by this. */
    private WebConnection initialised;
    private volatile Connection connection;

    /** What a container needs, beyond {@code WebConnection.close()}, to end an upgraded TCP connection for good. */
    interface CloseHook {
        CloseHook NONE = (out, inCallback) -> { };

        /** {@code inCallback}: the close runs inside one of this transport's listener callbacks. */
        void afterClose(ServletOutputStream out, boolean inCallback);
    }

    /**
     * What the engine needs, given after {@code upgrade()} returned. Most containers call
     * {@link #init} after {@code service()} returns; Jetty 10 calls it inside {@code upgrade()},
     * before this: then the connection starts here.
     */
    void prepare(Function<Wire, Connection> connections, byte[] bodyKey3, CloseHook closeHook) {
        WebConnection early;
        synchronized (this) {
            this.connections = connections;
            this.bodyKey3 = bodyKey3;
            this.closeHook = closeHook;
            early = initialised;
            initialised = null;
        }
        if (early != null) {
            start(early);
        }
    }

    @Override
    public void init(WebConnection web) {
        synchronized (this) {
            if (connections == null) {
                initialised = web;
                return;
            }
        }
        start(web);
    }

    private void start(WebConnection web) {
        ServletOutputStream out = null;
        try {
            ServletInputStream in = web.getInputStream();
            out = web.getOutputStream();
            Connection c = connections.apply(new ServletWire(web, out, closeHook));
            connection = c;
            // The writer first, so that start() may write; start() before the reader, so that
            // key3 taken from the request body is in place before any stream bytes.
            Listener listener = new Listener(in, c);
            out.setWriteListener(listener);
            c.start(bodyKey3);
            in.setReadListener(listener);
            connections = null;
            bodyKey3 = null;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not start an upgraded connection", e);
            new ServletWire(web, out, closeHook).close();
        }
    }

    @Override
    public void destroy() {
        Connection c = connection;
        if (c != null) {
            c.onEnd();
        }
    }

    private record ServletWire(WebConnection web, ServletOutputStream out, CloseHook closeHook) implements Wire {

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            try {
                web.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing an upgraded connection", e);
            }
            closeHook.afterClose(out, IN_CALLBACK.get() != null);
        }
    }

    /**
     * The read and write listeners in one: the container serialises the calls of each, and
     * both report errors through the same {@code onError}. Each call is marked as a listener
     * callback for {@link CloseHook#afterClose}.
     */
    private record Listener(ServletInputStream in, Connection connection) implements ReadListener, WriteListener {

        @Override
        public void onDataAvailable() {
            inCallback(() -> {
                byte[] buffer = READ_BUFFER.get();
                try {
                    while (!connection.isClosed() && in.isReady()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            connection.onEnd();
                            return;
                        }
                        connection.onData(ByteBuffer.wrap(buffer, 0, n));
                    }
                } catch (IOException e) {
                    connection.onError(e);
                }
            });
        }

        @Override
        public void onAllDataRead() {
            inCallback(connection::onEnd);
        }

        @Override
        public void onWritePossible() {
            inCallback(connection::onWritable);
        }

        @Override
        public void onError(Throwable error) {
            inCallback(() -> connection.onError(error));
        }

        private static void inCallback(Runnable callback) {
            IN_CALLBACK.set(Boolean.TRUE);
            try {
                callback.run();
            } finally {
                IN_CALLBACK.remove();
            }
        }
    }
}
