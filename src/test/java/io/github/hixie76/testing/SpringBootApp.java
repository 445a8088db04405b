package io.github.hixie76.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spring Boot fixture application (the sources in {@code src/test/spring-boot/app}, one pom
 * per Spring Boot version in {@code src/test/spring-boot/NAME}), as its users run it: packaged
 * by Maven into an executable jar (once per test run, after 'package', since the pom takes
 * this build's library jar) and started with {@code java -jar} on a port Tomcat picks, with a
 * Spring profile choosing how the hixie-76 endpoints are registered. Ends with {@link #close()}.
 */
public final class SpringBootApp implements AutoCloseable {

    private static final Path HOME = Path.of("src/test/spring-boot");
    private static final Path WORK = Path.of("target/spring-boot");
    private static final Duration BUILD = Duration.ofMinutes(5);
    private static final Duration START = Duration.ofSeconds(120);
    /** Spring Boot 3 says "Tomcat started on port 8080 (http)", 2.7 "Tomcat started on port(s): 8080 (http)". */
    private static final Pattern STARTED = Pattern.compile("Tomcat started on port(?:\\(s\\):)? (\\d+) \\(http\\)");
    private static final Map<String, Path> BUILT = new HashMap<>();

    private final ForegroundProcess process;

    private SpringBootApp(ForegroundProcess process) {
        this.process = process;
    }

    /** The fixture NAME packaged (on first use) and started with the Spring profile {@code profile}. */
    public static SpringBootApp start(String name, String profile) throws Exception {
        Path jar = build(name);
        Path log = WORK.resolve(name + "-" + profile + ".log");
        List<String> command = List.of(Command.java(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=0", "--spring.profiles.active=" + profile);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int[] port = {0};
        ForegroundProcess started = new ForegroundProcess(name + " " + profile, process, log, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        try {
            Await.until(() -> name + " (profile " + profile + ") saying its port; its output:\n" + started.outputText(),
                    START, () -> !process.isAlive() || (port[0] = port(started.outputText())) > 0);
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + started.outputText());
            }
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
        return new SpringBootApp(new ForegroundProcess(started.name(), process, log, port[0]));
    }

    /** The executable jar of fixture NAME, packaged once per test run; offline first, then with Maven Central. */
    private static synchronized Path build(String name) throws Exception {
        Path jar = BUILT.get(name);
        if (jar != null) {
            return jar;
        }
        Path target = WORK.resolve(name).toAbsolutePath();
        Files.createDirectories(WORK);
        List<String> maven = new ArrayList<>(List.of(Command.mvn(), "-B", "-q", "-f", HOME.resolve(name).resolve("pom.xml")
                .toString(), "package", "-Dfixture.target=" + target));
        maven.add(2, "-o");
        Command offline = Command.run(Path.of("."), maven, "", BUILD);
        if (offline.exit() != 0) {
            maven.remove("-o");
            Command online = Command.run(Path.of("."), maven, "", BUILD);
            if (online.exit() != 0) {
                throw new AssertionError(String.join(" ", maven) + " failed (it needs 'mvn package' first):\n"
                        + online.stdoutWithoutResets() + online.stderrWithoutResets());
            }
        }
        jar = target.resolve(name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the build of " + name + " wrote no " + jar);
        }
        BUILT.put(name, jar);
        return jar;
    }

    private static int port(String log) {
        Matcher started = STARTED.matcher(log);
        return started.find() ? Integer.parseInt(started.group(1)) : 0;
    }

    public int port() {
        return process.port();
    }

    /** ws://127.0.0.1:port + path (the application is at the root context). */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** http://127.0.0.1:port + path */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** What the application logged so far. */
    public String log() {
        return process.outputText();
    }

    /** Stops it as an operator does (SIGTERM), killed when it does not end within 10 s. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.name() + " on port " + port();
    }
}
