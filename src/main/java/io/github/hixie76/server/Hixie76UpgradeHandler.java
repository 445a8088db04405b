package io.github.hixie76.server;

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
 * The servlet-upgrade transport: moves bytes between the upgraded {@link WebConnection} and a
 * {@link Connection}, with a {@link ReadListener} and a {@link WriteListener} so that no thread
 * is held while a connection waits. The container creates it in {@code upgrade()} and calls
 * {@link #init} after the servlet returns; {@link #prepare} must come in between.
 *
 * <p>Thread-safety: the container serialises each listener's callbacks; the engine guards the
 * rest.
 */
public final class Hixie76UpgradeHandler implements HttpUpgradeHandler {

    private static final System.Logger LOG = System.getLogger(Hixie76UpgradeHandler.class.getName());
    /** True on a thread running one of this transport's listener callbacks. */
    private static final ThreadLocal<Boolean> IN_CALLBACK = new ThreadLocal<>();
    /** Read buffer per container thread: the engine copies out what it keeps. */
    private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private Function<Wire, Connection> connections;
    private byte[] bodyKey3;
    private volatile Connection connection;

    private Runnable afterClose;

    /**
     * @param afterClose what the container needs, beyond {@code WebConnection.close()}, to end
     *        the TCP connection for good
     */
    void prepare(Function<Wire, Connection> connections, byte[] bodyKey3, Runnable afterClose) {
        this.connections = connections;
        this.bodyKey3 = bodyKey3;
        this.afterClose = afterClose;
    }

    @Override
    public void init(WebConnection web) {
        try {
            ServletInputStream in = web.getInputStream();
            ServletOutputStream out = web.getOutputStream();
            Connection c = connections.apply(new ServletWire(web, out, afterClose));
            connection = c;
            // The writer first, so that start() may write; start() before the reader, so that
            // key3 taken from the request body is in place before any stream bytes.
            out.setWriteListener(new Writer(c));
            c.start(bodyKey3);
            in.setReadListener(new Reader(in, c));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not start an upgraded connection", e);
            new ServletWire(web, null, afterClose).close();
        }
    }

    @Override
    public void destroy() {
        Connection c = connection;
        if (c != null) {
            c.onEnd();
        }
    }

    private record ServletWire(WebConnection web, ServletOutputStream out, Runnable afterClose) implements Wire {

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
            if (IN_CALLBACK.get() == null && out != null) {
                TomcatDispatch.request(out);
            }
            afterClose.run();
        }
    }

    private record Writer(Connection connection) implements WriteListener {

        @Override
        public void onWritePossible() {
            inCallback(connection::onWritable);
        }

        @Override
        public void onError(Throwable error) {
            inCallback(() -> connection.onError(error));
        }
    }

    private static void inCallback(Runnable callback) {
        IN_CALLBACK.set(Boolean.TRUE);
        try {
            callback.run();
        } finally {
            IN_CALLBACK.remove();
        }
    }

    private record Reader(ServletInputStream in, Connection connection) implements ReadListener {

        @Override
        public void onDataAvailable() throws IOException {
            IN_CALLBACK.set(Boolean.TRUE);
            try {
                read();
            } finally {
                IN_CALLBACK.remove();
            }
        }

        private void read() throws IOException {
            byte[] buffer = READ_BUFFER.get();
            while (connection.state() != Connection.State.CLOSED && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    connection.onEnd();
                    return;
                }
                connection.onData(ByteBuffer.wrap(buffer, 0, n));
            }
        }

        @Override
        public void onAllDataRead() {
            inCallback(connection::onEnd);
        }

        @Override
        public void onError(Throwable error) {
            inCallback(() -> connection.onError(error));
        }
    }

    /**
     * Tomcat closes an upgraded socket only when it next dispatches an event for it and finds
     * both streams closed; a close from any other thread (a timeout, the application stopping)
     * never causes one, so the socket would stay open for good (measured on Tomcat 11.0.27).
     * This asks Tomcat for that dispatch through the stream's socket wrapper, by reflection as
     * the Servlet API has no call for it. On other containers it does nothing.
     */
    static final class TomcatDispatch {

        private static final String STREAM = "org.apache.coyote.http11.upgrade.UpgradeServletOutputStream";
        private static volatile boolean warned;

        private TomcatDispatch() {
        }

        static void request(ServletOutputStream out) {
            if (!out.getClass().getName().equals(STREAM)) {
                return;
            }
            try {
                java.lang.reflect.Field field = out.getClass().getDeclaredField("socketWrapper");
                field.setAccessible(true);
                Object socket = field.get(out);
                ClassLoader tomcat = out.getClass().getClassLoader();
                @SuppressWarnings({"unchecked", "rawtypes"})
                Object openWrite = Enum.valueOf((Class) Class.forName("org.apache.tomcat.util.net.SocketEvent", false, tomcat),
                        "OPEN_WRITE");
                socket.getClass().getMethod("processSocket", openWrite.getClass(), boolean.class).invoke(socket, openWrite, true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (!warned) {
                    warned = true;
                    LOG.log(Level.WARNING, "cannot ask Tomcat to close upgraded sockets from timers ({0}); such a socket"
                            + " stays open until its client sends or closes", e.toString());
                }
            }
        }
    }
}
