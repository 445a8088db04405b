package io.github.hixie76.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A servlet container in a JVM of its own with the packaged WAR deployed at
 * {@value #CONTEXT_PATH}, as a user deploys it (or another web application). Every
 * container knows one user, {@value #USER} with password {@value #PASSWORD} in role
 * {@code user}, in a realm named {@code fixture}. Each container's classpath is its pom under
 * {@code src/test/containers/NAME}, resolved once by Maven; its launcher is a single source
 * file there. A container starts on first use and stays up for the test run; it ends when the
 * test JVM does (it runs until its standard input closes); a {@link #node} is a test's own and
 * ends when the test stops it. Thread-safe.
 */
public final class Container {

    /** Every container the project claims, by the name of its directory under src/test/containers. */
    public static final List<String> ALL = List.of("jetty-ee10", "jetty-ee11", "tomcat-11", "tomcat-10.1",
            "tomcat-9", "tomcat-8.5", "jetty-10");
    /**
     * Undertow 2.3 (jakarta) and 2.2 (javax): RFC 6455 only, as Undertow collapses spaces in
     * header values, which hixie-76 keys need (UndertowIT); not in the hixie-76 matrix.
     */
    public static final List<String> UNDERTOW = List.of("undertow-2.3", "undertow-2.2");
    /**
     * The containers the matrix runs on: {@link #ALL}, or those named in the system property
     * {@code hixie76.containers} (comma-separated; {@code mvn verify -Dhixie76.containers=tomcat-9}).
     */
    public static final List<String> NAMES = selected(System.getProperty("hixie76.containers", ""));
    /** The containers of {@code javax.servlet} among {@link #NAMES}: they get the javax WAR. */
    public static final Set<String> JAVAX = Set.of("tomcat-9", "tomcat-8.5", "jetty-10", "undertow-2.2");
    public static final String CONTEXT_PATH = "/hixie76-servlet";
    public static final String USER = "alice";
    public static final String PASSWORD = "secret";
    /** The Authorization header of {@link #USER}'s BASIC credentials. */
    public static final String BASIC_AUTHORIZATION = "Basic "
            + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private static final Path HOME = Path.of("src/test/containers");
    private static final Path WORK = Path.of("target/containers");
    private static final Path WAR = Path.of("target/hixie76-servlet.war");
    private static final Path JAVAX_WAR = Path.of("target/hixie76-servlet-javax.war");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Map<String, Container> STARTED = new ConcurrentHashMap<>();
    private static final AtomicInteger NODES = new AtomicInteger();

    private final String name;
    private final String contextPath;
    private final Process process;
    private final int port;
    private final BlockingQueue<String> replies;
    private final Path log;

    private Container(String name, String contextPath, Process process, int port, BlockingQueue<String> replies,
            Path log) {
        this.log = log;
        this.name = name;
        this.contextPath = contextPath;
        this.process = process;
        this.port = port;
        this.replies = replies;
    }

    /** Sends a command line to the launcher and returns its one-line reply (Tomcat's launcher). */
    public synchronized String command(String line) throws IOException, InterruptedException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        String reply = replies.poll(60, TimeUnit.SECONDS);
        if (reply == null) {
            throw new IOException(name + " did not answer '" + line + "' within 60 s");
        }
        return reply;
    }

    /** The named container with the project's WAR deployed, started on first use. */
    public static Container get(String name) {
        return get(name, war(name), CONTEXT_PATH);
    }

    private static List<String> selected(String property) {
        if (property.isBlank()) {
            return ALL;
        }
        List<String> names = List.of(property.trim().split("\\s*,\\s*"));
        for (String name : names) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException("hixie76.containers names " + name + "; the containers are " + ALL);
            }
        }
        return names;
    }

    /** The packaged WAR for the named container: the javax one on a {@link #JAVAX} container. */
    public static Path war(String name) {
        return isJavax(name) ? JAVAX_WAR : WAR;
    }

    /** Whether the named container implements {@code javax.servlet} rather than {@code jakarta.servlet}. */
    public static boolean isJavax(String name) {
        return JAVAX.contains(name);
    }

    /** The named container with another web application (a WAR or a directory), started on first use. */
    public static Container get(String name, Path webapp, String contextPath) {
        return STARTED.computeIfAbsent(name + " " + webapp.toAbsolutePath() + " " + contextPath,
                key -> start(name, webapp, contextPath, List.of(), ""));
    }

    /**
     * A container of the caller's own, not shared, with extra options for its JVM (the
     * benchmark's heap size and Tomcat's {@code -Dtomcat.maxConnections}); {@link #close()} ends it.
     */
    public static Container launch(String name, Path webapp, String contextPath, List<String> jvmArgs) {
        return start(name, webapp, contextPath, jvmArgs, "");
    }

    /**
     * A container of its own with the project's WAR, not shared with other tests, its JVM
     * started with {@code systemProperties} (as {@code -Dname=value}, which is how an operator
     * passes settings such as the cluster's Redis URI). End it with {@link #stop}.
     */
    public static Container node(String name, Map<String, String> systemProperties) {
        List<String> jvmArgs = new ArrayList<>();
        systemProperties.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
        return start(name, war(name), CONTEXT_PATH, jvmArgs, "-node" + NODES.incrementAndGet());
    }

    /** Ends a container from {@link #launch} as {@link #stop} does, within 10 s. */
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }

    /** The process id of the container's JVM (for /proc). */
    public long pid() {
        return process.pid();
    }

    /** The container JVM's heap in use after full GCs, in bytes. */
    public long heapAfterGc() throws IOException, InterruptedException {
        String reply = command("heap");
        if (!reply.startsWith("HEAP ")) {
            throw new IOException(name + " answered 'heap' with " + reply);
        }
        return Long.parseLong(reply.substring("HEAP ".length()).trim());
    }

    /**
     * Stops the container as its operator does (the launcher's input ends, the server stops,
     * the application is destroyed) and waits for its JVM to end; killed when it has not ended
     * by the deadline. Returns whether it stopped by itself.
     */
    public boolean stop(Duration deadline) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the launcher is gone already
        }
        if (process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The container's output (its log), as written so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** ws://127.0.0.1:port/CONTEXT + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + contextPath + path);
    }

    /** http://127.0.0.1:port/CONTEXT + path */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + contextPath + path);
    }

    public String contextPath() {
        return contextPath;
    }

    /** Threads of the container's JVM now, from /proc (Linux). */
    public int threadCount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IOException("no thread count for process " + process.pid());
    }

    public boolean isJetty() {
        return name.startsWith("jetty");
    }

    @Override
    public String toString() {
        return name;
    }

    private static Container start(String name, Path webapp, String contextPath, List<String> jvmArgs,
            String logSuffix) {
        try {
            if (!Files.exists(webapp)) {
                throw new IllegalStateException(webapp + " is missing: integration tests run after 'mvn package'");
            }
            Files.createDirectories(WORK);
            String classpath = classpath(name);
            List<String> command = new ArrayList<>(List.of(java()));
            command.addAll(jvmArgs);
            command.addAll(name.startsWith("undertow")
                    ? List.of("-cp", classpath, HOME.resolve("UndertowLauncher.java").toString(),
                            webapp.toAbsolutePath().toString(), contextPath, isJavax(name) ? "javax" : "jakarta")
                    : name.startsWith("jetty")
                    ? List.of("-cp", classpath, HOME.resolve("JettyLauncher.java").toString(),
                            webapp.toAbsolutePath().toString(), contextPath, name.substring("jetty-".length()))
                    // the module openings Tomcat's own catalina.sh passes, so that its leak detection runs whole
                    : List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
                            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                            "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                            "-cp", classpath, HOME.resolve("TomcatLauncher.java").toString(),
                            webapp.toAbsolutePath().toString(), contextPath));
            Path log = WORK.resolve(name + contextPath.replace('/', '-') + logSuffix + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            int port = awaitPort(process, log, replies);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            return new Container(name, contextPath, process, port, replies, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Reads the launcher's output until it says its port; the rest is copied to the log. */
    private static int awaitPort(Process process, Path log, BlockingQueue<String> replies) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        OutputStream logFile = Files.newOutputStream(log);
        CompletableFuture<Integer> started = new CompletableFuture<>();
        // A launcher that hangs without a word is killed, which ends the loop below.
        CompletableFuture.delayedExecutor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!started.isDone()) {
                process.destroyForcibly();
            }
        });
        String line;
        while ((line = out.readLine()) != null) {
            logFile.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (line.startsWith("LISTENING ")) {
                int port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
                started.complete(port);
                Daemon.start("container-log", () -> copy(out, logFile, replies));
                return port;
            }
        }
        logFile.close();
        process.destroyForcibly();
        throw new IOException("the container did not start within " + START_TIMEOUT.toSeconds() + " s; see "
                + log.toAbsolutePath());
    }

    private static void copy(BufferedReader out, OutputStream log, BlockingQueue<String> replies) {
        try (log) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.matches("(UNDEPLOYED|DEPLOYED|LEAKS|THREADS|HEAP|UNKNOWN)\\b.*")) {
                    replies.add(line);
                }
                log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
            }
        } catch (IOException e) {
            // the container ended
        }
    }

    /**
     * The container's classpath, resolved by Maven from its pom and kept under target/ until the
     * pom changes (a merge that adds a jar to it must not meet the old list).
     */
    private static String classpath(String name) throws IOException {
        return classpath(HOME.resolve(name).resolve("pom.xml"), name);
    }

    /**
     * The classpath of the dependencies in {@code pom}, resolved by Maven and kept under
     * target/containers as NAME.classpath until the pom changes: for other programs that need
     * a JVM and a classpath of their own (third-party servers).
     */
    public static String classpath(Path pom, String name) throws IOException {
        Files.createDirectories(WORK);
        Path file = WORK.resolve(name + ".classpath").toAbsolutePath();
        if (!Files.isRegularFile(file) || Files.getLastModifiedTime(pom).compareTo(Files.getLastModifiedTime(file)) > 0) {
            String home = System.getProperty("maven.home");
            String mvn = home != null ? Path.of(home, "bin", "mvn").toString() : "mvn";
            Process maven = new ProcessBuilder(mvn, "-B", "-q", "-f", pom.toString(),
                    "dependency:build-classpath", "-Dmdep.outputFile=" + file)
                    .redirectErrorStream(true).redirectOutput(WORK.resolve(name + ".maven.log").toFile()).start();
            try {
                if (!maven.waitFor(5, TimeUnit.MINUTES) || maven.exitValue() != 0) {
                    throw new IOException("resolving the " + name + " classpath failed; see "
                            + WORK.resolve(name + ".maven.log").toAbsolutePath());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return Files.readString(file).trim();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
