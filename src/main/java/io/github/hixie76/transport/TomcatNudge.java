package io.github.hixie76.transport;

import jakarta.servlet.ServletOutputStream;
import java.lang.System.Logger.Level;

/**
 * Tomcat closes an upgraded socket only when it next dispatches an event for it and finds
 * both streams closed; a close from any other thread (a timeout, the application stopping)
 * never causes one, so the socket would stay open for good (measured on Tomcat 11.0.27).
 * This asks Tomcat for that dispatch through the stream's socket wrapper, by reflection as
 * the Servlet API has no call for it. Thread-safe.
 */
final class TomcatNudge implements ServletUpgradeHandler.CloseHook {

    private static final System.Logger LOG = System.getLogger(TomcatNudge.class.getName());
    private static volatile boolean warned;

    @Override
    public void afterClose(ServletOutputStream out, boolean inCallback) {
        if (inCallback || out == null) {
            return; // Tomcat looks at both streams when the callback returns
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
