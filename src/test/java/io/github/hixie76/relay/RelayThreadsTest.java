package io.github.hixie76.relay;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Await;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JDK client's selector thread, which outlives a closed relay until the client is collected,
 * keeps nothing of the application that made it: a relay loaded by a class loader of its own (as
 * a web application's is) and used on a thread whose context class loader is that loader (as a
 * container's request threads are) lets the loader go once the relay is closed, while the
 * client, held here, keeps its selector thread alive.
 */
class RelayThreadsTest {

    private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");

    @Test
    void theClientsSelectorThreadHoldsNoClassLoaderOfTheApplication() throws Exception {
        HttpClient[] held = new HttpClient[1];
        WeakReference<ClassLoader> application = useRelayInAnApplication(held);
        Thread selector = selectorThread(held[0]).orElseThrow(() -> new AssertionError("no selector thread for "
                + held[0]));
        assertNotSame(application.get(), selector.getContextClassLoader(), "the selector's context class loader");
        long start = System.nanoTime();
        Await.until("the application's class loader collected while the selector thread lives", Duration.ofSeconds(10),
                () -> {
                    System.gc();
                    return application.get() == null;
                });
        assertTrue(selector.isAlive(), "the selector thread still runs (the client is held)");
        System.out.printf("application class loader collected %.0f ms after the relay closed; %s alive%n",
                (System.nanoTime() - start) / 1e6, selector.getName());
        held[0] = null;
    }

    /** Loads Relay in a loader of its own, makes its client on a thread with that loader as context, closes it. */
    private static WeakReference<ClassLoader> useRelayInAnApplication(HttpClient[] client) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of("target/classes").toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            Class<?> relayClass = loader.loadClass(Relay.class.getName());
            assertNotSame(Relay.class, relayClass);
            AutoCloseable relay = (AutoCloseable) relayClass.getConstructor(String.class, Duration.class)
                    .newInstance("threads", Duration.ofSeconds(1));
            Method make = relayClass.getDeclaredMethod("client");
            make.setAccessible(true);
            client[0] = (HttpClient) make.invoke(relay);
            relay.close();
        } finally {
            current.setContextClassLoader(context);
        }
        WeakReference<ClassLoader> reference = new WeakReference<>(loader);
        loader.close();
        return reference;
    }

    private static Optional<Thread> selectorThread(HttpClient client) {
        Matcher id = CLIENT_ID.matcher(client.toString()); // HttpClientImpl@hash(id)
        assertTrue(id.find(), client.toString());
        String name = "HttpClient-" + id.group(1) + "-SelectorManager";
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals(name)).findFirst();
    }
}
