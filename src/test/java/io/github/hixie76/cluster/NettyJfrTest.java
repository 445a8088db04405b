package io.github.hixie76.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Await;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Netty's Flight Recorder listener, which kept every undeployed application's class loader
 * (UndeployIT), and {@link NettyJfr}, which keeps it from being registered: each case loads
 * Netty in a class loader of its own, as a web application does from its WEB-INF/lib, makes the
 * default (adaptive) allocator there and drops the class loader.
 */
class NettyJfrTest {

    @Test
    void nettyStartedWithoutFlightRecorderSupportLeavesItsClassLoaderCollectable() throws Exception {
        WeakReference<ClassLoader> loader = nettyUsedAndDropped(true);
        Await.until("the class loader that made Netty's allocator collected", () -> {
            System.gc();
            return loader.get() == null;
        });
        assertNull(System.getProperty(NettyJfr.PROPERTY), "the property is removed again");
    }

    /**
     * What {@link NettyJfr} is for: Netty as it starts by default registers a listener the JDK
     * keeps until Flight Recorder starts (which it never does here), and the listener keeps its
     * class loader. When this fails, Netty no longer does that and NettyJfr can go.
     */
    @Test
    void nettyStartedAsByDefaultKeepsItsClassLoaderThroughTheFlightRecorderListener() throws Exception {
        assertFalse(jdk.jfr.FlightRecorder.isInitialized(), "Flight Recorder never starts in the test JVM");
        WeakReference<ClassLoader> loader = nettyUsedAndDropped(false);
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        assertNotNull(loader.get(), "the class loader stays reachable (jdk.jfr.internal.PlatformRecorder"
                + ".changeListeners -> io.netty.buffer.JfrEventRegistration -> its class loader)");
    }

    @Test
    void theOperatorsSettingIsObeyedAndKept() throws Exception {
        System.setProperty(NettyJfr.PROPERTY, "true");
        try (URLClassLoader loader = nettyLoader()) {
            assertTrue(NettyJfr.initializeOff(loader), "Netty's Flight Recorder support on as the operator asked");
            assertEquals("true", System.getProperty(NettyJfr.PROPERTY));
        } finally {
            System.clearProperty(NettyJfr.PROPERTY);
        }
    }

    @Test
    void aNettyStartedAlreadyIsReportedAsItIs() throws Exception {
        try (URLClassLoader loader = nettyLoader()) {
            Class.forName("io.netty.util.internal.PlatformDependent", true, loader);
            assertTrue(NettyJfr.initializeOff(loader), "started before with Flight Recorder support: still on");
        }
    }

    /**
     * Loads Netty in a new class loader, starts it through {@link NettyJfr} or not, makes its
     * default allocator (on a thread that then ends, so no thread-local of Netty's is left
     * anywhere), and drops every reference to the class loader but the weak one returned.
     */
    private static WeakReference<ClassLoader> nettyUsedAndDropped(boolean throughNettyJfr) throws Exception {
        URLClassLoader loader = nettyLoader();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread user = new Thread(() -> {
            try {
                if (throughNettyJfr) {
                    assertFalse(NettyJfr.initializeOff(loader), "Netty's Flight Recorder support off");
                }
                Object allocator = Class.forName("io.netty.buffer.ByteBufAllocator", true, loader)
                        .getField("DEFAULT").get(null);
                assertEquals("io.netty.buffer.AdaptiveByteBufAllocator", allocator.getClass().getName());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "netty-user");
        user.start();
        user.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        loader.close();
        return new WeakReference<>(loader);
    }

    /** Netty's common and buffer jars, from this test's class path, in a class loader of their own. */
    private static URLClassLoader nettyLoader() {
        return new URLClassLoader(new URL[] {jarOf(io.netty.util.internal.PlatformDependent.class),
                jarOf(io.netty.buffer.ByteBuf.class)}, ClassLoader.getPlatformClassLoader());
    }

    private static URL jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
