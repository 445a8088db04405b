package io.github.hixie76.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} (Debian's package) for a test: on a free loopback port, in a
 * temporary directory, with no persistence. It can be killed with SIGKILL, frozen with
 * SIGSTOP (open sockets, no answers) and thawed, and restarted on the same port. Not
 * thread-safe: one test drives it.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path directory;
    private Process process;

    private RedisServer(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    /** Starts one on a free port; fails the test when {@code redis-server} is not installed. */
    public static RedisServer start() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(port, Files.createTempDirectory("hixie76-redis"));
        server.restart();
        return server;
    }

    public int port() {
        return port;
    }

    /** redis://127.0.0.1:port */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts it again on the same port (after {@link #kill}); returns once it accepts connections. */
    public void restart() throws IOException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", directory.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(directory.resolve("redis.log").toFile()).start();
        Await.until(() -> "redis-server listening on " + port + ": " + log(), Duration.ofSeconds(10),
                () -> "PONG".equals(ping()));
    }

    /** SIGKILL: the connections drop as a crash drops them. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: connections stay open and nothing answers. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    /** Runs {@code redis-cli} against it; returns its output, trimmed. */
    public String cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(port)));
        command.addAll(List.of(arguments));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        cli.waitFor();
        return out;
    }

    /** PING over a plain socket with a short timeout; null when it does not answer. */
    public String ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(500);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[7];
            int read = socket.getInputStream().read(answer);
            return read >= 5 ? new String(answer, 1, 4, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("redis.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            thaw();
            kill();
        }
    }
}
