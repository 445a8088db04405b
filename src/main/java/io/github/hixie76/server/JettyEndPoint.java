package io.github.hixie76.server;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jetty's EndPoint under a connection about to be upgraded through the servlet API, for the
 * two things Jetty 12.1 gets wrong there (notes §5):
 * <ul>
 * <li>its connector idle timeout reaches the upgraded input as an error after which nothing is
 *     read again, so an idle hixie-76 connection (no ping exists) would die after 30 s:
 *     {@link #liftIdleTimeout} turns it off for this connection;</li>
 * <li>closing a {@code WebConnection} that never wrote leaves the TCP connection open and back
 *     in HTTP parsing: {@link #close} closes the EndPoint itself.</li>
 * </ul>
 *
 * <p>A webapp does not see Jetty's classes, so this walks public Jetty interfaces by
 * reflection: {@code ServletApiRequest.getRequest()}, {@code Request.getConnectionMetaData()},
 * {@code ConnectionMetaData.getConnection()}, {@code Connection.getEndPoint()}. When that
 * fails, one warning says what is lost. Immutable; thread-safe.
 */
final class JettyEndPoint {

    private static final System.Logger LOG = System.getLogger(JettyEndPoint.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Object endPoint;
    private final Class<?> type;

    private JettyEndPoint(Object endPoint, Class<?> type) {
        this.endPoint = endPoint;
        this.type = type;
    }

    /** The EndPoint of this request's connection, or null when it cannot be reached. */
    static JettyEndPoint of(ServletRequest request) {
        ServletRequest unwrapped = request;
        while (unwrapped instanceof ServletRequestWrapper wrapper) {
            unwrapped = wrapper.getRequest();
        }
        try {
            ClassLoader jetty = unwrapped.getClass().getClassLoader();
            Object core = unwrapped.getClass().getMethod("getRequest").invoke(unwrapped);
            Object metaData = call(jetty, "org.eclipse.jetty.server.Request", "getConnectionMetaData", core);
            Object connection = call(jetty, "org.eclipse.jetty.server.ConnectionMetaData", "getConnection", metaData);
            Object endPoint = call(jetty, "org.eclipse.jetty.io.Connection", "getEndPoint", connection);
            return new JettyEndPoint(endPoint, Class.forName("org.eclipse.jetty.io.EndPoint", false, jetty));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot reach Jetty's EndPoint ({0}): idle hixie-76 connections will close "
                        + "after the connector's idleTimeout (raise it in the Jetty configuration), and a client "
                        + "dropped before its key3 is left to that timeout", e.toString());
            }
            return null;
        }
    }

    void liftIdleTimeout() {
        try {
            type.getMethod("setIdleTimeout", long.class).invoke(endPoint, 0L);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot lift Jetty's idle timeout", e);
        }
    }

    void close() {
        try {
            type.getMethod("close").invoke(endPoint);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing Jetty's EndPoint", e);
        }
    }

    private static Object call(ClassLoader loader, String type, String method, Object target)
            throws ReflectiveOperationException {
        return Class.forName(type, false, loader).getMethod(method).invoke(target);
    }
}
