package io.github.hixie76.bench;

import io.github.hixie76.demo.ChatEndpoint;
import io.github.hixie76.demo.EchoEndpoint;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.JettyServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Load benchmark: our endpoints against a Netty 4.2 hixie-76 server, driven by the same
 * non-blocking {@link LoadClient}, printing a Markdown table (README, "Benchmarks"):
 *
 * <pre>mvn -q test-compile exec:java@bench -Dexec.args="--duration 5 --servers ours,netty"</pre>
 *
 * <p>Each server runs in a JVM of its own (started here, same classpath; {@code --in-process}
 * runs them in this JVM instead), so that its heap and its CPU profile are its own:
 * {@code ours} is the demo's /echo and /chat endpoints on embedded Jetty 12.1 through the
 * connection-level transport, {@code netty} is {@link NettyServer}, {@code tomcat} is the
 * packaged WAR on Tomcat 11 ({@link Container}; needs {@code mvn package} first; no heap
 * figure). Phases, each after a warm-up: handshakes (connect, handshake, closing handshake,
 * server closes TCP; N at a time), echo ping-pong of 32 B and 4 KiB messages on C connections
 * (one message in flight per connection; latency from send to the whole echo received),
 * broadcast from one sender to R receivers on /chat (a window of broadcasts in flight), and
 * the server's heap after GC with I idle open connections minus before, per connection.
 */
public final class Bench {

    private Bench() {
    }

    /** A server under test. */
    interface Target extends AutoCloseable {
        String name();

        URI uri(String path);

        /** Heap used after a full GC in the server's JVM, or -1 when unknown. */
        long heapAfterGc() throws IOException;

        @Override
        void close() throws Exception;
    }

    static final class Options {
        double warmup = 3;
        double duration = 5;
        int connections = 100;
        int handshakeConcurrency = 50;
        int receivers = 1000;
        int window = 16;
        int idle = 5000;
        int clientThreads = 1;
        boolean inProcess;
        List<String> servers = List.of("ours", "netty");
        List<Integer> sizes = List.of(32, 4096);
        String serverJvmArgs = "-Xmx1g";
        List<String> phases = List.of("handshake", "echo", "broadcast", "idle");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--warmup" -> o.warmup = Double.parseDouble(value);
                    case "--duration" -> o.duration = Double.parseDouble(value);
                    case "--connections" -> o.connections = Integer.parseInt(value);
                    case "--handshake-concurrency" -> o.handshakeConcurrency = Integer.parseInt(value);
                    case "--receivers" -> o.receivers = Integer.parseInt(value);
                    case "--window" -> o.window = Integer.parseInt(value);
                    case "--idle" -> o.idle = Integer.parseInt(value);
                    case "--client-threads" -> o.clientThreads = Integer.parseInt(value);
                    case "--servers" -> o.servers = known(value, List.of("ours", "netty", "tomcat"));
                    case "--sizes" -> o.sizes = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                    case "--server-jvm-args" -> o.serverJvmArgs = value;
                    case "--phases" -> o.phases = known(value, List.of("handshake", "echo", "broadcast", "idle"));
                    case "--in-process" -> {
                        o.inProcess = true;
                        continue;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                }
                if (value == null) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                i++;
            }
            return o;
        }

        private static List<String> known(String value, List<String> names) {
            List<String> chosen = List.of(value.split(","));
            for (String name : chosen) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("unknown '" + name + "': one of " + names + "\n" + USAGE);
                }
            }
            return chosen;
        }
    }

    static final String USAGE = """
            options: --servers ours,netty[,tomcat]  --warmup S (3)  --duration S (5, each phase)
              --connections C (100, echo)  --sizes 32,4096  --handshake-concurrency N (50)
              --receivers R (1000, broadcast)  --window W (16 broadcasts in flight)
              --idle I (5000, heap per idle connection; 0 skips)  --client-threads T (1)
              --phases handshake,echo,broadcast,idle  --in-process (servers in this JVM)  --server-jvm-args "-Xmx1g ..." (forked servers)""";

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--serve")) {
            serve(args[1]);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Map<String, String>> results = run(options, System.out);
        System.out.println();
        System.out.println(table(options, results));
        System.exit(0);
    }

    /** Runs every phase on every server; results by server, then by metric, in order. */
    static Map<String, Map<String, String>> run(Options options, PrintStream log) throws Exception {
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (String server : options.servers) {
            try (Target target = start(server, options)) {
                log.println("== " + target.name());
                results.put(target.name(), measure(target, options, log));
            }
        }
        return results;
    }

    static String table(Options o, Map<String, Map<String, String>> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, %d cores, Java %s; warm-up %.0f s, %.0f s per phase%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                o.warmup, o.duration));
        List<String> servers = new ArrayList<>(results.keySet());
        out.append("| measure | ").append(String.join(" | ", servers)).append(" |\n");
        out.append("|---|").append("---|".repeat(servers.size())).append('\n');
        List<String> metrics = results.values().stream().flatMap(m -> m.keySet().stream()).distinct().toList();
        for (String metric : metrics) {
            out.append("| ").append(metric).append(" | ")
                    .append(servers.stream().map(s -> results.get(s).getOrDefault(metric, "n/a"))
                            .collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static Map<String, String> measure(Target target, Options o, PrintStream log) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        try (LoadClient client = new LoadClient(o.clientThreads, 100)) {
            if (o.phases.contains("handshake")) {
                result.put("handshakes/s (" + o.handshakeConcurrency + " at a time)", handshakes(client, target, o, log));
            }
            for (int size : o.phases.contains("echo") ? o.sizes : List.<Integer>of()) {
                echo(client, target, o, size, result, log);
            }
            if (o.phases.contains("broadcast")) {
                result.put("broadcast deliveries/s (1 to " + o.receivers + ")", broadcast(client, target, o, log));
            }
            if (o.phases.contains("idle") && o.idle > 0) {
                result.put("heap per idle connection (" + o.idle + ")", idle(client, target, o, log));
            }
        }
        return result;
    }

    // ---- phases

    private static String handshakes(LoadClient client, Target target, Options o, PrintStream log) throws Exception {
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        boolean[] running = {true};
        LoadClient.Driver driver = new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                conn.close();
            }

            @Override
            public void onEnd(LoadClient.Conn conn, boolean clean) {
                if (conn.worker.recording) {
                    (clean ? done : failed).increment();
                    conn.worker.record(System.nanoTime() - conn.startedAt);
                }
                if (running[0]) {
                    conn.worker.connect(conn);
                }
            }
        };
        client.open(target.uri("/echo"), o.handshakeConcurrency, driver);
        Window window = window(client, o, running);
        double seconds = window.seconds();
        long[] samples = window.samples();
        String figure = String.format(Locale.ROOT, "%,.0f", done.sum() / seconds) + errors(failed.sum());
        log.println("handshakes/s: " + figure + String.format(Locale.ROOT,
                ", connect to close p50 / p99 / p99.9: %s / %s / %s ms",
                millis(samples, 0.5), millis(samples, 0.99), millis(samples, 0.999)));
        return figure;
    }

    /** What one measured phase saw: its length and its latency samples, sorted. */
    private record Window(double seconds, long[] samples) {
    }

    /** Warm-up, then the measured window; then the phase stops ({@code running}) and its connections close. */
    private static Window window(LoadClient client, Options o, boolean[] running) throws Exception {
        sleep(o.warmup);
        client.drainSamples();
        long start = recording(client, true);
        sleep(o.duration);
        double seconds = (recording(client, false) - start) / 1e9;
        long[] samples = client.drainSamples();
        running[0] = false;
        client.closeAll(10_000);
        Arrays.sort(samples);
        return new Window(seconds, samples);
    }

    private static void echo(LoadClient client, Target target, Options o, int size, Map<String, String> result,
            PrintStream log) throws Exception {
        byte[] payload = payload(size);
        byte[] frame = LoadClient.frame(payload);
        LongAdder opened = new LongAdder();
        LongAdder messages = new LongAdder();
        LongAdder bad = new LongAdder();
        boolean[] running = {true};
        LoadClient.Driver driver = new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                opened.increment();
                conn.expect = payload;
                conn.sentAt = System.nanoTime();
                conn.sendFrame(frame);
            }

            @Override
            public void onMessage(LoadClient.Conn conn, int length, boolean intact) {
                long now = System.nanoTime();
                if (!intact) {
                    bad.increment();
                }
                if (conn.worker.recording) {
                    messages.increment();
                    conn.worker.record(now - conn.sentAt);
                }
                if (running[0]) {
                    conn.sentAt = now;
                    conn.sendFrame(frame);
                }
            }
        };
        client.open(target.uri("/echo"), o.connections, driver);
        awaitCount(opened, o.connections, client);
        Window window = window(client, o, running);
        double seconds = window.seconds();
        long[] samples = window.samples();
        String label = size >= 1024 && size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
        String prefix = "echo " + label + ", " + o.connections + " conns: ";
        long n = messages.sum();
        String errors = errors(bad.sum() + client.failures.getAndSet(0));
        result.put(prefix + "msgs/s", String.format(Locale.ROOT, "%,.0f", n / seconds) + errors);
        result.put(prefix + "MB/s", String.format(Locale.ROOT, "%.1f", n * (double) size / seconds / 1e6));
        result.put(prefix + "latency p50 / p99 / p99.9 (ms)", String.format(Locale.ROOT, "%s / %s / %s",
                millis(samples, 0.5), millis(samples, 0.99), millis(samples, 0.999)));
        log.println(prefix + String.format(Locale.ROOT, "%,.0f msgs/s", n / seconds) + errors);
    }

    private static String broadcast(LoadClient client, Target target, Options o, PrintStream log) throws Exception {
        byte[] payload = payload(32);
        byte[] frame = LoadClient.frame(payload);
        int everyone = o.receivers + 1;
        LongAdder opened = new LongAdder();
        LongAdder counted = new LongAdder();
        LongAdder bad = new LongAdder();
        AtomicLong delivered = new AtomicLong();
        boolean[] running = {true};
        LoadClient.Driver receiver = new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                conn.expect = payload;
                opened.increment();
            }

            @Override
            public void onMessage(LoadClient.Conn conn, int length, boolean intact) {
                if (!intact) {
                    bad.increment();
                }
                if (conn.worker.recording) {
                    counted.increment();
                }
                delivered.incrementAndGet();
            }
        };
        LoadClient.Driver sender = new LoadClient.Driver() {
            private LoadClient.Conn conn;
            private long sent;

            @Override
            public void onOpen(LoadClient.Conn c) {
                conn = c;
                c.expect = payload;
                c.tick();
                opened.increment();
            }

            @Override
            public void onMessage(LoadClient.Conn c, int length, boolean intact) {
                delivered.incrementAndGet();
                tick(c.worker);
            }

            @Override
            public void tick(LoadClient.Worker worker) {
                while (running[0] && (sent - o.window) * everyone < delivered.get()) {
                    sent++;
                    conn.sendFrame(frame);
                }
            }
        };
        client.open(target.uri("/chat"), o.receivers, receiver);
        awaitCount(opened, o.receivers, client);
        client.open(target.uri("/chat"), 1, sender);
        awaitCount(opened, everyone, client);
        sleep(o.warmup);
        long start = recording(client, true);
        sleep(o.duration);
        double seconds = (recording(client, false) - start) / 1e9;
        running[0] = false;
        client.closeAll(20_000);
        String figure = String.format(Locale.ROOT, "%,.0f", counted.sum() / seconds)
                + errors(bad.sum() + client.failures.getAndSet(0));
        log.println("broadcast deliveries/s: " + figure);
        return figure;
    }

    private static String idle(LoadClient client, Target target, Options o, PrintStream log) throws Exception {
        long before = target.heapAfterGc();
        if (before < 0) {
            return "n/a";
        }
        LongAdder opened = new LongAdder();
        client.open(target.uri("/echo"), o.idle, new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                opened.increment();
            }
        });
        awaitCount(opened, o.idle, client);
        long after = target.heapAfterGc();
        client.closeAll(30_000);
        String figure = String.format(Locale.ROOT, "%.1f KiB", (after - before) / 1024.0 / o.idle)
                + (o.inProcess ? " (client included)" : "");
        log.println("heap per idle connection: " + figure + " (" + before / 1024 + " KiB before, "
                + after / 1024 + " KiB after)");
        return figure;
    }

    // ---- helpers

    private static long recording(LoadClient client, boolean on) {
        client.recording(on);
        return System.nanoTime();
    }

    private static void awaitCount(LongAdder count, int expected, LoadClient client) {
        Await.until(() -> "only " + count.sum() + " of " + expected + " connections opened (" + client.failures.get()
                + " failed)", Duration.ofSeconds(60), () -> count.sum() >= expected);
    }

    private static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    private static String millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return "-";
        }
        long nanos = sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))];
        return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.2f" : "%.0f", nanos / 1e6);
    }

    private static String errors(long count) {
        return count == 0 ? "" : " (" + count + " errors)";
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    // ---- servers

    private static Target start(String name, Options options) throws Exception {
        if (name.equals("tomcat")) {
            Container container = Container.get("tomcat-11");
            return new Target() {
                @Override
                public String name() {
                    return "ours (Tomcat 11, WAR)";
                }

                @Override
                public URI uri(String path) {
                    return container.uri(path);
                }

                @Override
                public long heapAfterGc() {
                    return -1;
                }

                @Override
                public void close() {
                    // the container ends with this JVM
                }
            };
        }
        String label = switch (name) {
            case "ours" -> "ours (Jetty 12.1)";
            case "netty" -> "Netty 4.2 (Handshaker00)";
            default -> throw new IllegalArgumentException("unknown server " + name + "\n" + USAGE);
        };
        return options.inProcess ? inProcess(name, label) : forked(name, label, options.serverJvmArgs);
    }

    /** Starts the named server in this JVM; returns its port and how to stop it. */
    private static AutoCloseable startServer(String name, int[] port) throws Exception {
        if (name.equals("ours")) {
            JettyServer jetty = JettyServer.endpoints(Map.of("/echo", EchoEndpoint.class, "/chat", ChatEndpoint.class),
                    Map.of());
            jetty.beforeAll(null);
            port[0] = jetty.port();
            return () -> jetty.afterAll(null);
        }
        NettyServer netty = new NettyServer();
        port[0] = netty.port();
        return netty;
    }

    private static Target inProcess(String name, String label) throws Exception {
        int[] port = new int[1];
        AutoCloseable server = startServer(name, port);
        return new Target() {
            @Override
            public String name() {
                return label;
            }

            @Override
            public URI uri(String path) {
                return URI.create("ws://127.0.0.1:" + port[0] + path);
            }

            @Override
            public long heapAfterGc() {
                return usedHeapAfterGc();
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }

    private static Target forked(String name, String label, String jvmArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(javaPath(System.getProperty("java.home"), "bin", "java"));
        if (!jvmArgs.isBlank()) {
            command.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath(), Bench.class.getName(), "--serve", name));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = replies.readLine();
        while (ready != null && !ready.startsWith("port ")) {
            System.err.println(ready); // the JVM's own notices, such as a flight recording's
            ready = replies.readLine();
        }
        if (ready == null || !ready.startsWith("port ")) {
            process.destroy();
            throw new IOException(name + " server did not start: " + ready);
        }
        int port = Integer.parseInt(ready.substring(5));
        return new Target() {
            @Override
            public String name() {
                return label;
            }

            @Override
            public URI uri(String path) {
                return URI.create("ws://127.0.0.1:" + port + path);
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
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroy();
                }
            }
        };
    }

    private static String javaPath(String first, String... more) {
        return java.nio.file.Path.of(first, more).toString();
    }

    /** This JVM's classpath: exec:java's class loader when run by Maven, else java.class.path. */
    private static String classpath() {
        if (Bench.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(new File(url.toURI()).getPath());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** The server side of a forked target: prints its port, answers "heap" lines, ends with its standard input. */
    private static void serve(String name) throws Exception {
        int[] port = new int[1];
        try (AutoCloseable server = startServer(name, port)) {
            System.out.println("port " + port[0]);
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

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
