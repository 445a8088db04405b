package io.github.hixie76.cluster;

import java.util.Properties;

/**
 * Starts the application's copy of Netty with its Flight Recorder support off, so that a
 * stopped application leaves no class loader behind.
 *
 * <p>Why: the first pooled or adaptive buffer allocator Netty 4.2 makes in a class loader (the
 * default allocator is adaptive, made as soon as a channel needs one) initializes
 * {@code io.netty.buffer.JfrEventRegistration}, which hands an instance of itself to
 * {@code jdk.jfr.FlightRecorder.addListener}. The JDK keeps it in a static list
 * ({@code jdk.jfr.internal.PlatformRecorder.changeListeners}) until Flight Recorder is
 * initialized, and only then does the listener remove itself. In a JVM where no recording ever
 * starts it stays for good: listener, its class, that class's loader, which is the stopped
 * application's (Netty is in its WEB-INF/lib). One class loader per undeploy, with every class
 * it loaded; {@code UndeployIT} found it from a heap dump. No public API reaches that listener
 * again, so it must not be registered at all.
 *
 * <p>How: Netty reads whether it may use Flight Recorder once per class loader, from the system
 * property {@value #PROPERTY}, as its {@code PlatformDependent} class is initialized. That class
 * is initialized here with the property false, which is then removed again: other applications
 * in the container are not affected once this returns, and an operator's own setting
 * (e.g. {@code true}, for Netty's allocator events in recordings) is left alone and obeyed.
 * Thread-safe.
 */
final class NettyJfr {

    static final String PROPERTY = "io.netty.jfr.enabled";

    private static final String PLATFORM = "io.netty.util.internal.PlatformDependent";

    private NettyJfr() {
    }

    /**
     * Initializes Netty's {@code PlatformDependent} in {@code loader} with Flight Recorder support
     * off, unless the operator set {@value #PROPERTY} or that class is initialized already (Netty
     * started by other code of the application). Returns whether Netty's Flight Recorder support
     * is on after all in {@code loader}: then stopping the application leaves its class loader
     * reachable, as the class comment says.
     */
    static synchronized boolean initializeOff(ClassLoader loader) {
        Properties properties = System.getProperties();
        boolean ours = properties.putIfAbsent(PROPERTY, "false") == null;
        try {
            Class<?> platform = Class.forName(PLATFORM, true, loader);
            return (Boolean) platform.getMethod("isJfrEnabled").invoke(null);
        } catch (NoSuchMethodException e) {
            return false; // a Netty without Flight Recorder support registers nothing
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot start Netty from " + loader + ": " + e, e);
        } finally {
            if (ours) {
                properties.remove(PROPERTY, "false");
            }
        }
    }
}
