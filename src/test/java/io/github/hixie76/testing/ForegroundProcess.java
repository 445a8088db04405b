package io.github.hixie76.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server run in the foreground (redis-server, nginx, HAProxy, a demo node) with its output in
 * a file: started until its port accepts connections, ended with SIGTERM (then SIGKILL, its
 * children too, when it does not end in time), and killed when the JVM exits.
 *
 * @param name what the test calls it, in messages and in the output file's name
 * @param process the running process
 * @param output where its standard output and error go
 * @param port the loopback port it listens on
 */
public record ForegroundProcess(String name, Process process, Path output, int port) implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);

    /** Runs {@code command} in {@code directory}, its output in {@code directory/name.out}. */
    public static ForegroundProcess start(String name, Path directory, int port, String... command) throws IOException {
        return start(name, directory, directory, port, START, List.of(command));
    }

    /**
     * Runs {@code command} in {@code workingDirectory}, its output in {@code outputDirectory/name.out},
     * and waits up to {@code start} for it to accept connections on {@code port}.
     */
    public static ForegroundProcess start(String name, Path workingDirectory, Path outputDirectory, int port,
            Duration start, List<String> command) throws IOException {
        Path output = outputDirectory.resolve(name + ".out");
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        ForegroundProcess started = new ForegroundProcess(name, process, output, port);
        Runtime.getRuntime().addShutdownHook(new Thread(started::kill));
        try {
            Await.until(() -> name + " listening on 127.0.0.1:" + port + "; its output: " + started.outputText(), start,
                    () -> !process.isAlive() || accepts(port));
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ": " + started.outputText());
            }
            return started;
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What it wrote so far. */
    public String outputText() {
        try {
            return Files.readString(output, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
                throw new AssertionError(name + " did not end on SIGTERM within " + STOP.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
