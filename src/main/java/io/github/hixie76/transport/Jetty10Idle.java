package io.github.hixie76.transport;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.System.Logger.Level;

/**
 * Jetty 10 ends a servlet-upgraded connection after the connector's idle timeout (30 s by
 * default): the upgraded input fails with a {@code TimeoutException}, busy or not in the
 * reading direction. hixie-76 has no ping, and the engine keeps its own idle timeout, so this
 * lifts the idle timeout of the connection's {@code EndPoint}, reached through the request's
 * public {@code getHttpChannel().getEndPoint()} by reflection (a webapp cannot see Jetty's
 * classes). Stateless.
 */
final class Jetty10Idle {

    private static final System.Logger LOG = System.getLogger(Jetty10Idle.class.getName());
    private static volatile boolean warned;

    private Jetty10Idle() {
    }

    static void lift(ServletRequest request) {
        while (request instanceof ServletRequestWrapper wrapper) {
            request = wrapper.getRequest();
        }
        try {
            Object channel = request.getClass().getMethod("getHttpChannel").invoke(request);
            Object endPoint = channel.getClass().getMethod("getEndPoint").invoke(channel);
            endPoint.getClass().getMethod("setIdleTimeout", long.class).invoke(endPoint, 0L);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.log(Level.WARNING, "cannot lift Jetty''s idle timeout on upgraded connections ({0}); they end"
                        + " after the connector''s idle timeout", e.toString());
            }
        }
    }
}
