package io.github.hixie76.bench;

import io.github.hixie76.testing.Container;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The project's WAR in a servlet container of the test matrix ({@link Container}), its demo's
 * {@code /echo} and {@code /chat}. The WAR's content is deployed exploded, assembled as the war
 * plugin does it (webapp/ plus target/classes under WEB-INF/classes; the WAR has no WEB-INF/lib),
 * so that the benchmark and its smoke test run after {@code test-compile}, before {@code package}.
 * Tomcat's connector gets {@code maxConnections} 20000 (its default, 8192, is below the idle phase's
 * 10,000 connections) and README's recommended socket buffer sizes ({@link #TOMCAT_CONNECTOR}).
 *
 * <p>Not thread-safe: one benchmark thread talks to it.
 */
final class ContainerServer implements BenchServer {

    static final String TOMCAT_MAX_CONNECTIONS = "20000";
    /**
     * README's recommended connector settings for many small-message connections: each NIO
     * connection holds a read and a write buffer of these sizes on the heap (8 KiB each by
     * default), the most of an idle connection's heap.
     */
    static final Map<String, String> TOMCAT_CONNECTOR = Map.of(
            "socket.appReadBufSize", "1024", "socket.appWriteBufSize", "1024");
    private static final Path WEBAPP = Path.of("target/bench/webapp");

    private final String label;
    private final Container container;

    private ContainerServer(String label, Container container) {
        this.label = label;
        this.container = container;
    }

    /** Starts a container of {@link Container#NAMES} with the WAR's content deployed at /hixie76-servlet. */
    static ContainerServer start(String name, String label, List<String> jvmArgs) throws IOException {
        List<String> args = new ArrayList<>(jvmArgs);
        if (name.startsWith("tomcat")) {
            args.add("-Dtomcat.maxConnections=" + TOMCAT_MAX_CONNECTIONS);
            TOMCAT_CONNECTOR.forEach((property, value) -> args.add("-Dtomcat.connector." + property + "=" + value));
        }
        return new ContainerServer(label, Container.launch(name, explodedWar(), Container.CONTEXT_PATH, args));
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public URI uri(String path) {
        return container.uri(path);
    }

    @Override
    public long pid() {
        return container.pid();
    }

    @Override
    public long heapAfterGc() throws Exception {
        return container.heapAfterGc();
    }

    @Override
    public void close() throws InterruptedException {
        container.close();
    }

    /** webapp/ and target/classes as the WAR holds them, copied afresh. */
    private static synchronized Path explodedWar() throws IOException {
        Path classes = Path.of("target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IOException("target/classes is missing: run 'mvn test-compile' first");
        }
        delete(WEBAPP);
        copy(Path.of("webapp"), WEBAPP);
        copy(classes, WEBAPP.resolve("WEB-INF/classes"));
        return WEBAPP;
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
