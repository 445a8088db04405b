package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.RedisServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * When the application stops, every open session gets FF 00 and its endpoint's onClose, then
 * its connection ends; and deploying and undeploying the WAR repeatedly leaks no thread, timer
 * or class loader (asked of Tomcat's own leak detection).
 */
class UndeployIT {

    private static final int CYCLES = 20;

    @Test
    void twentyUndeploysWithOpenConnectionsLeakNothing() throws Exception {
        Container tomcat = Container.get("tomcat-11", Path.of("target/hixie76-servlet.war"), "/cycled");
        long start = System.nanoTime();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            if (cycle > 0) {
                assertEquals("DEPLOYED", tomcat.command("deploy"));
            }
            List<Hixie76Client> clients = new ArrayList<>();
            for (String path : List.of("/echo", "/echo", "/chat")) {
                Hixie76Client client = Hixie76Client.connect(tomcat.uri(path));
                clients.add(client);
                client.send("cycle " + cycle);
                assertEquals("cycle " + cycle, client.receive());
            }
            assertEquals("UNDEPLOYED", tomcat.command("undeploy"));
            for (Hixie76Client client : clients) {
                assertTrue(client.awaitEnd(), "cycle " + cycle + ": FF 00 before the end of the connection");
                client.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("LEAKS ", tomcat.command("leaks"), "class loaders of undeployed contexts still reachable");
        String threads = tomcat.command("threads");
        assertFalse(threads.contains("hixie76"), threads);
        String log = Files.readString(Path.of("target/containers/tomcat-11-cycled.log"));
        List<String> warnings = leakWarnings(log);
        assertEquals(List.of(), warnings, "Tomcat's leak detection warned:\n" + log);
        System.out.printf("%d deploy/undeploy cycles with 3 open connections each: %.1f s, no leaked class loader"
                + " or thread%n", CYCLES, seconds);
    }

    /**
     * The same with the Redis bus connected (issue: no thread of the Redis client, no class
     * loader left): the node is started as an operator clusters it, with -Dhixie76.cluster.
     */
    @Test
    void twentyUndeploysWithTheRedisBusConnectedLeakNothing() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // No Netty setting, as an operator starts the JVM: Netty's default (adaptive) allocator, and
            // Flight Recorder available but never started, where Netty's listener would keep every
            // undeployed application's class loader unless the bus starts Netty without it (NettyJfr).
            Container tomcat = Container.node("tomcat-11", Map.of("hixie76.cluster", redis.uri().toString()));
            try {
                for (int cycle = 0; cycle < CYCLES; cycle++) {
                    if (cycle > 0) {
                        assertEquals("DEPLOYED", tomcat.command("deploy"));
                    }
                    Hixie76Client client = Hixie76Client.connect(tomcat.uri("/chat"));
                    client.send("cycle " + cycle);
                    assertEquals("cycle " + cycle, client.receive());
                    Await.until(() -> "the bus connected to Redis: " + status(tomcat), Await.DEFAULT,
                            () -> status(tomcat).contains("\"connected\":true"));
                    assertEquals("UNDEPLOYED", tomcat.command("undeploy"));
                    assertTrue(client.awaitEnd(), "cycle " + cycle + ": FF 00 before the end of the connection");
                    client.close();
                }
                // Netty's buffers are freed by a Cleaner after the GC that finds them unreachable, so a
                // class loader may need a second GC (each 'leaks' asks for one); a real leak stays.
                String[] leaks = new String[1];
                Await.until(() -> "class loaders of undeployed contexts still reachable: " + leaks[0], Await.DEFAULT,
                        () -> (leaks[0] = command(tomcat, "leaks")).equals("LEAKS "));
                String threads = tomcat.command("threads");
                for (String prefix : List.of("hixie76", "lettuce", "nioEventLoop", "epollEventLoop")) {
                    assertFalse(threads.contains(prefix), prefix + " threads left: " + threads);
                }
                assertEquals(List.of(), leakWarnings(tomcat.log()), "Tomcat's leak detection warned");
            } finally {
                tomcat.stop(Duration.ofSeconds(20));
            }
        }
    }

    /**
     * The same with relays open (issue 13): each cycle's application opens its JDK HttpClient and
     * backend connections (/relay/echo to its own /echo over loopback); at undeploy every relay
     * client gets FF 00, and then no class loader, no thread of ours and no thread of the JDK
     * client is left. The client's selector thread ends only after the client is collected (JDK 17
     * has no HttpClient.close), so the threads are awaited across GCs; the class loaders must go
     * whether or not that thread still runs, and Tomcat, which checks the threads as each context
     * stops, must name none of them.
     */
    @Test
    void twentyUndeploysWithOpenRelaysLeakNothing() throws Exception {
        int relays = 4;
        Container tomcat = Container.launch("tomcat-11", Path.of("target/hixie76-servlet.war"), "/relayed", List.of());
        try {
            long start = System.nanoTime();
            int threadsAtFirst = 0;
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                if (cycle > 0) {
                    assertEquals("DEPLOYED", tomcat.command("deploy"));
                }
                List<Hixie76Client> clients = new ArrayList<>();
                for (int i = 0; i < relays; i++) {
                    Hixie76Client client = Hixie76Client.connect(tomcat.uri("/relay/echo"));
                    clients.add(client);
                    client.send("cycle " + cycle + " relay " + i);
                    assertEquals("cycle " + cycle + " relay " + i, client.receive());
                }
                if (cycle == 0) {
                    List<String> names = threadNames(tomcat);
                    threadsAtFirst = names.size();
                    assertTrue(names.stream().anyMatch(name -> name.matches("HttpClient-\\d+-SelectorManager")),
                            "the relay's JDK client runs: " + names);
                }
                assertEquals("UNDEPLOYED", tomcat.command("undeploy"));
                for (Hixie76Client client : clients) {
                    assertTrue(client.awaitEnd(), "cycle " + cycle + ": FF 00 before the end of the relay's connection");
                    client.close();
                }
            }
            double cycles = (System.nanoTime() - start) / 1e9;
            long afterCycles = System.nanoTime();
            String[] leaks = new String[1];
            int[] gcs = new int[1];
            Await.until(() -> "class loaders of undeployed contexts still reachable: " + leaks[0], Await.DEFAULT, () -> {
                gcs[0]++;
                return (leaks[0] = command(tomcat, "leaks")).equals("LEAKS ");
            });
            double loadersGone = (System.nanoTime() - afterCycles) / 1e9;
            List<String> selectorsThen = threadNames(tomcat).stream().filter(name -> name.startsWith("HttpClient-")).toList();
            AtomicReference<List<String>> left = new AtomicReference<>();
            Await.until(() -> "threads of the relays or of their JDK clients left: " + left.get(), Duration.ofSeconds(30),
                    () -> {
                        command(tomcat, "leaks"); // a GC: the selector thread ends once its client is collected
                        left.set(threadNames(tomcat).stream().filter(name -> name.contains("hixie76")
                                || name.startsWith("HttpClient-")).toList());
                        return left.get().isEmpty();
                    });
            double threadsGone = (System.nanoTime() - afterCycles) / 1e9;
            assertEquals(List.of(), leakWarnings(tomcat.log()), "Tomcat's leak detection warned");
            System.out.printf("%d deploy/undeploy cycles with %d open relays each: %.1f s; class loaders unreachable after"
                    + " %d GC(s), %.2f s (JDK client threads then: %s); their threads gone after %.2f s; %d threads"
                    + " after the first deploy, %d at the end%n", CYCLES, relays, cycles, gcs[0], loadersGone,
                    selectorsThen, threadsGone, threadsAtFirst, threadNames(tomcat).size());
        } finally {
            tomcat.stop(Duration.ofSeconds(20));
        }
    }

    private static List<String> threadNames(Container container) {
        String reply = command(container, "threads");
        assertTrue(reply.startsWith("THREADS "), reply);
        return List.of(reply.substring("THREADS ".length()).split("\\|"));
    }

    private static String command(Container container, String command) {
        try {
            return container.command(command);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String status(Container container) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(container.http("/status"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    @Test
    void leakWarningsKeepEveryWarningButAConnectorThreadClosingASocket() {
        String closing = """
                Dec 02, 2026 6:23:25 AM org.apache.catalina.loader.WebappClassLoaderBase clearReferencesThreads
                WARNING: The web application [cycled] appears to have started a thread named [http-nio-127.0.0.1-auto-1-exec-4] \
                but has failed to stop it. This is very likely to create a memory leak. Stack trace of thread:
                 java.base@17.0.15/sun.nio.ch.Net.shutdown(Native Method)
                 app//org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doClose(NioEndpoint.java:1649)
                """;
        String timer = """
                Dec 02, 2026 6:23:26 AM org.apache.catalina.loader.WebappClassLoaderBase clearReferencesThreads
                WARNING: The web application [cycled] appears to have started a thread named [hixie76-timer-echo] \
                but has failed to stop it. This is very likely to create a memory leak. Stack trace of thread:
                 java.base@17.0.15/jdk.internal.misc.Unsafe.park(Native Method)
                """;
        String threadLocal = """
                Dec 02, 2026 6:23:27 AM org.apache.catalina.loader.WebappClassLoaderBase checkThreadLocalMapForLeaks
                SEVERE: The web application [cycled] created a ThreadLocal with key of type [java.lang.ThreadLocal] \
                and a value of type [io.github.hixie76.Something] but failed to remove it when the web application was \
                stopped. Threads are going to be renewed over time to try and avoid a probable memory leak.
                """;
        String background = """
                Dec 02, 2026 8:58:55 AM org.apache.catalina.loader.WebappClassLoaderBase clearReferencesThreads
                WARNING: The web application [cycled] appears to have started a thread named [Catalina-utility-2] \
                but has failed to stop it. This is very likely to create a memory leak. Stack trace of thread:
                 app//org.apache.catalina.webresources.Cache.backgroundProcess(Cache.java:177)
                 app//org.apache.catalina.core.StandardContext.backgroundProcess(StandardContext.java:5212)
                 app//org.apache.catalina.core.ContainerBase$ContainerBackgroundProcessor.processChildren(ContainerBase.java:1173)
                 app//org.apache.catalina.core.ContainerBase$ContainerBackgroundProcessor.run(ContainerBase.java:1156)
                """;
        String ours = background.replace("org.apache.catalina.webresources.Cache.backgroundProcess",
                "io.github.hixie76.engine.Something.run");
        String info = "Dec 02, 2026 6:23:28 AM org.apache.catalina.core.StandardContext reload\nINFO: nothing wrong\n";
        List<String> warnings = leakWarnings(closing + timer + info + background + threadLocal + ours);
        assertEquals(3, warnings.size(), String.join("\n---\n", warnings));
        assertTrue(warnings.get(0).contains("hixie76-timer-echo"), warnings.get(0));
        assertTrue(warnings.get(1).contains("ThreadLocal"), warnings.get(1));
        assertTrue(warnings.get(2).contains("io.github.hixie76"), warnings.get(2));
        String idle = """
                Dec 02, 2026 9:58:01 AM org.apache.catalina.loader.WebappClassLoaderBase clearReferencesThreads
                WARNING: The web application [cycled] appears to have started a thread named [http-nio-127.0.0.1-auto-1-exec-8] \
                but has failed to stop it. This is very likely to create a memory leak. Stack trace of thread:
                 java.base@17.0.15/jdk.internal.misc.Unsafe.park(Native Method)
                 app//org.apache.tomcat.util.threads.TaskQueue.take(TaskQueue.java:171)
                """;
        assertEquals(List.of(), leakWarnings(closing + info + background + idle));
        assertEquals(1, leakWarnings(idle.replace("TaskQueue.take", "io.github.hixie76.engine.Something.run")).size());
    }

    /**
     * The warnings of Tomcat's leak detection, but those about its own connector threads
     * ({@code http-nio-...-exec-N}) caught closing a socket of the stopping application: the
     * connections the application ends as it stops are closed by Tomcat's pool threads, which
     * carry the application's class loader while they do, so a check that runs at that moment
     * reports them (seen about one run in three); and those about Tomcat's own threads (its
     * connector pool, its utility thread in the periodic background processing of the stopping
     * context) with no code of this project or of the libraries it starts on their stack: they
     * run with the context's class loader while they serve it, and the stack is taken after
     * the check, often once the thread is idle again. The class loaders and threads asserted
     * above are what shows a real leak.
     */
    static List<String> leakWarnings(String log) {
        List<String> warnings = new ArrayList<>();
        for (String warning : log.split("(?m)^(?=\\w{3} \\d{2}, \\d{4} )")) {
            boolean leak = warning.contains("memory leak") || warning.contains("failed to stop it");
            boolean closingSocket = warning.matches("(?s).*started a thread named \\[http-nio-[^\\]]*-exec-\\d+\\].*")
                    && warning.contains("NioEndpoint$NioSocketWrapper.doClose");
            boolean tomcatsOwn = warning.matches("(?s).*started a thread named \\[(http-nio-[^\\]]*-exec|Catalina-utility)-\\d+\\].*")
                    && Stream.of("io.github.hixie76", "io.lettuce", "io.netty", "jdk.internal.net.http")
                            .noneMatch(warning::contains);
            if (leak && !closingSocket && !tomcatsOwn) {
                warnings.add(warning.strip());
            }
        }
        return warnings;
    }
}
