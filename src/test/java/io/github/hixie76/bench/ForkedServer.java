package io.github.hixie76.bench;

import io.github.hixie76.testing.JavaWebSocketServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server of the test classpath ({@link RawEchoServer}, {@link io.github.hixie76.testing.JavaWebSocketServer},
 * {@link NettyServer}) in a JVM of its own: {@link #start} forks {@code java ... ForkedServer KIND},
 * which prints its port, answers "heap" lines on its standard input and ends with it.
 *
 * <p>Not thread-safe: one benchmark thread talks to it.
 */
final class ForkedServer implements BenchServer {

    private final String label;
    private final String scheme;
    private final Process process;
    private final BufferedReader replies;
    private final int port;

    private ForkedServer(String label, String scheme, Process process, BufferedReader replies, int port) {
        this.label = label;
        this.scheme = scheme;
        this.process = process;
        this.replies = replies;
        this.port = port;
    }

    /** Forks the server {@code kind} (raw, jws, netty) with the given JVM options. */
    static ForkedServer start(String kind, String label, List<String> jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classpath(), ForkedServer.class.getName(), kind));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = replies.readLine();
        while (line != null && !line.startsWith("port ")) {
            System.err.println(line); // the JVM's own notices, such as a flight recording's
            line = replies.readLine();
        }
        if (line == null) {
            process.destroy();
            throw new IOException(kind + " server did not start");
        }
        String scheme = kind.equals("raw") ? "tcp" : "ws";
        return new ForkedServer(label, scheme, process, replies, Integer.parseInt(line.substring(5)));
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long heapAfterGc() throws IOException {
        process.getOutputStream().write("heap\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        return Long.parseLong(replies.readLine().trim());
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** This JVM's classpath: exec:java's class loader when run by Maven, else java.class.path. */
    private static String classpath() {
        if (ForkedServer.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(new File(url.toURI()).getPath());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** The server's side: starts {@code args[0]}, prints its port, answers "heap", ends with its standard input. */
    public static void main(String[] args) throws Exception {
        AutoCloseable server;
        int port;
        switch (args[0]) {
            case "raw" -> {
                RawEchoServer raw = new RawEchoServer();
                server = raw;
                port = raw.port();
            }
            case "jws" -> {
                JavaWebSocketServer jws = new JavaWebSocketServer(false);
                server = jws;
                port = jws.port();
            }
            case "netty" -> {
                NettyServer netty = new NettyServer();
                server = netty;
                port = netty.port();
            }
            default -> throw new IllegalArgumentException("unknown server " + args[0]);
        }
        try (server) {
            System.out.println("port " + port);
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = commands.readLine()) != null; ) {
                if (line.equals("heap")) {
                    System.out.println(usedHeapAfterGc());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
