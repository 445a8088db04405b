package io.github.hixie76.bench;

import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's WAR in a servlet container of the test matrix ({@link Container}), its demo's
 * {@code /echo} and {@code /chat}. The WAR's content is deployed exploded, assembled as the war
 * plugin does it (webapp/ plus target/classes under WEB-INF/classes; the WAR has no WEB-INF/lib),
 * so that the benchmark and its smoke test run after {@code test-compile}, before {@code package}.
 * Tomcat's connector gets {@code maxConnections} 20000 (its default, 8192, is below the idle phase's
 * 10,000 connections) and README's recommended socket buffer sizes ({@link #TOMCAT_CONNECTOR}).
 *
 * <p>{@link #startWithBus} turns the Redis bus on (README, "Running more than one node"): a
 * {@code redis-server} of its own, {@code -Dhixie76.cluster} naming it, and Lettuce with its
 * dependencies in WEB-INF/lib as the WAR carries them (target/cluster-lib, copied by the pom's
 * {@code cluster-lib} execution, which this runs when the directory is missing or older than the pom).
 *
 * <p>Not thread-safe: one benchmark thread talks to it.
 *
 * @param label the server's column in the report
 * @param container the running container
 * @param redis the bus's Redis, stopped after the container; null without the bus
 */
record ContainerServer(String label, Container container, RedisServer redis) implements BenchServer {

    static final String TOMCAT_MAX_CONNECTIONS = "20000";
    /**
     * README's recommended connector settings for many small-message connections: each NIO
     * connection holds a read and a write buffer of these sizes on the heap (8 KiB each by
     * default), the most of an idle connection's heap.
     */
    static final Map<String, String> TOMCAT_CONNECTOR = Map.of(
            "socket.appReadBufSize", "1024", "socket.appWriteBufSize", "1024");
    private static final Path WEBAPP = Path.of("target/bench/webapp");
    private static final Path CLUSTER_LIB = Path.of("target/cluster-lib");

    /** Starts a container of {@link Container#NAMES} with the WAR's content deployed at /hixie76-servlet. */
    static ContainerServer start(String name, String label, List<String> jvmArgs) throws IOException {
        return new ContainerServer(label, launch(name, jvmArgs, false), null);
    }

    /** As {@link #start}, with the Redis bus on: every broadcast is also published to a Redis of its own. */
    static ContainerServer startWithBus(String name, String label, List<String> jvmArgs) throws Exception {
        RedisServer redis = RedisServer.start();
        try {
            List<String> args = new ArrayList<>(jvmArgs);
            args.add("-Dhixie76.cluster=" + redis.uri());
            ContainerServer server = new ContainerServer(label, launch(name, args, true), redis);
            try {
                // Lettuce connects in the background: measuring before it has would measure broadcasts it loses
                Await.until(() -> "the bus connected to Redis: " + server.status(), Duration.ofSeconds(60), () -> {
                    String status = server.status();
                    return status.contains("\"connected\":true") && !status.contains("\"connected\":false");
                });
            } catch (Exception | Error e) {
                server.container.close();
                throw e;
            }
            return server;
        } catch (Exception | Error e) {
            redis.close();
            throw e;
        }
    }

    private static Container launch(String name, List<String> jvmArgs, boolean clusterLib) throws IOException {
        List<String> args = new ArrayList<>(jvmArgs);
        if (name.startsWith("tomcat")) {
            args.add("-Dtomcat.maxConnections=" + TOMCAT_MAX_CONNECTIONS);
            TOMCAT_CONNECTOR.forEach((property, value) -> args.add("-Dtomcat.connector." + property + "=" + value));
        }
        return Container.launch(name, explodedWar(clusterLib), Container.CONTEXT_PATH, args);
    }

    @Override
    public URI uri(String path) {
        return container.uri(path);
    }

    @Override
    public long pid() {
        return container.pid();
    }

    /** /chat's bus counters as /status gives them ({"kind":...,"published":...}), or null without the bus. */
    String chatBus() {
        if (redis == null) {
            return null;
        }
        String status = status();
        Matcher bus = Pattern.compile("\"name\":\"[^\"]*chat[^\"]*\".*?\"bus\":(\\{[^}]*\\})").matcher(status);
        return bus.find() ? bus.group(1) : status;
    }

    /** The endpoints' metrics, GET /status; the error's text when it fails. */
    private String status() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(container.http("/status"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    @Override
    public long heapAfterGc() throws Exception {
        return container.heapAfterGc();
    }

    @Override
    public void close() throws Exception {
        try {
            container.close();
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** webapp/ and target/classes as the WAR holds them, copied afresh; with {@code clusterLib}, Lettuce in WEB-INF/lib. */
    private static synchronized Path explodedWar(boolean clusterLib) throws IOException {
        Path classes = Path.of("target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IOException("target/classes is missing: run 'mvn test-compile' first");
        }
        delete(WEBAPP);
        copy(Path.of("webapp"), WEBAPP);
        copy(classes, WEBAPP.resolve("WEB-INF/classes"));
        if (clusterLib) {
            copy(clusterLib(), WEBAPP.resolve("WEB-INF/lib"));
        }
        return WEBAPP;
    }

    /** target/cluster-lib, made by the pom's cluster-lib execution (prepare-package) when missing or older than the pom. */
    private static Path clusterLib() throws IOException {
        Path pom = Path.of("pom.xml");
        if (Files.isDirectory(CLUSTER_LIB)
                && Files.getLastModifiedTime(CLUSTER_LIB).compareTo(Files.getLastModifiedTime(pom)) >= 0) {
            return CLUSTER_LIB;
        }
        String home = System.getProperty("maven.home");
        String mvn = home != null ? Path.of(home, "bin", "mvn").toString() : "mvn";
        Path log = Path.of("target/bench/cluster-lib.maven.log");
        Files.createDirectories(log.getParent());
        Process maven = new ProcessBuilder(mvn, "-B", "-q", "-f", pom.toString(),
                "dependency:copy-dependencies@cluster-lib").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!maven.waitFor(5, TimeUnit.MINUTES) || maven.exitValue() != 0) {
                maven.destroyForcibly();
                throw new IOException("copying Lettuce to target/cluster-lib failed; see " + log.toAbsolutePath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Files.setLastModifiedTime(CLUSTER_LIB, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        return CLUSTER_LIB;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(file -> {
                try {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        }
    }
}
