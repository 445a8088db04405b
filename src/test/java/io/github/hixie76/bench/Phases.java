package io.github.hixie76.bench;

import io.github.hixie76.bench.Report.Figure;
import io.github.hixie76.bench.Report.Metric;
import io.github.hixie76.testing.Await;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark's phases, each run on one server with a fresh {@link LoadClient}: a warm-up,
 * then a measured window during which the client records and the server's CPU ticks are read
 * before and after; then its connections close. Each returns its figures; a phase whose
 * messages came back truncated or whose connections were lost reports itself failed.
 *
 * <p>Not thread-safe: the benchmark runs one phase at a time.
 */
final class Phases {

    private final LoadClient client;
    private final BenchServer server;
    private final Bench.Options o;
    private final PrintStream log;
    private final double ticksPerSecond;

    Phases(LoadClient client, BenchServer server, Bench.Options options, PrintStream log, double ticksPerSecond) {
        this.client = client;
        this.server = server;
        this.o = options;
        this.log = log;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** What one measured window saw: its length, the server's CPU seconds, latency samples (sorted). */
    private record Window(double seconds, double cpuSeconds, long[] samples) {
    }

    /** {@code connections} connections, each keeping {@code window} messages in flight, every echo compared. */
    Map<Metric, Figure> echo() throws Exception {
        return echo("echo", "/echo", Metric.ECHO_RATE, Metric.ECHO_P50, Metric.ECHO_P99, Metric.FAIRNESS,
                Metric.ECHO_CPU);
    }

    /**
     * The same echo load on the demo's relay {@code /relay/echo}, whose backend is {@code /echo}'s
     * RFC 6455 side on the same server: each message crosses hixie-76, the relay's JDK client and
     * the container's jakarta.websocket, and the server's CPU counts both legs.
     */
    Map<Metric, Figure> relayEcho() throws Exception {
        return echo("relay", "/relay/echo", Metric.RELAY_RATE, Metric.RELAY_P50, Metric.RELAY_P99, null,
                Metric.RELAY_CPU);
    }

    private Map<Metric, Figure> echo(String phase, String path, Metric rate, Metric p50, Metric p99, Metric fairness,
            Metric cpu) throws Exception {
        byte[] payload = payload(o.size);
        byte[] frame = LoadClient.frame(server.uri(path), payload);
        LongAdder bad = new LongAdder();
        List<LoadClient.Conn> conns = new CopyOnWriteArrayList<>();
        boolean[] running = {true};
        LoadClient.Driver driver = new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                conns.add(conn);
                conn.expect = payload;
                for (int i = 0; i < o.window; i++) {
                    conn.markSent(System.nanoTime());
                    conn.sendFrame(frame);
                }
            }

            @Override
            public void onMessage(LoadClient.Conn conn, int length, boolean intact) {
                long now = System.nanoTime();
                long sent = conn.takeSent();
                if (!intact) {
                    bad.increment();
                }
                if (conn.worker.recording) {
                    conn.count++;
                    conn.worker.record(now - sent);
                }
                if (running[0]) {
                    conn.markSent(now);
                    conn.sendFrame(frame);
                }
            }
        };
        client.open(server.uri(path), o.connections, driver);
        awaitCount(conns::size, o.connections);
        Window window = window(running);
        long lost = client.failures.getAndSet(0);
        if (bad.sum() + lost > 0) {
            String why = bad.sum() + " truncated echoes, " + lost + " connections lost";
            log.println(phase + ": failed, " + why);
            return failed(why, fairness == null ? new Metric[] {rate, p50, p99, cpu}
                    : new Metric[] {rate, p50, p99, fairness, cpu});
        }
        long messages = conns.stream().mapToLong(c -> c.count).sum();
        long slowest = conns.stream().mapToLong(c -> c.count).min().orElse(0);
        long fastest = conns.stream().mapToLong(c -> c.count).max().orElse(1);
        Map<Metric, Figure> figures = new EnumMap<>(Metric.class);
        figures.put(rate, Figure.of(messages / window.seconds()));
        figures.put(p50, Figure.of(quantile(window.samples(), 0.5) / 1e6));
        figures.put(p99, Figure.of(quantile(window.samples(), 0.99) / 1e6));
        if (fairness != null) {
            figures.put(fairness, Figure.of(slowest / (double) Math.max(1, fastest)));
        }
        figures.put(cpu, Figure.of(window.cpuSeconds() * 1e6 / Math.max(1, messages)));
        long[] counts = conns.stream().mapToLong(c -> c.count).sorted().toArray();
        log.println(phase + ": " + figures + "; round trips per connection: min " + slowest + ", p10 "
                + counts[counts.length / 10] + ", median " + counts[counts.length / 2] + ", p90 "
                + counts[counts.length * 9 / 10] + ", max " + fastest);
        return figures;
    }

    /** {@code handshakeConcurrency} at a time: connect, handshake, FF 00, the server's FF 00, the server closes TCP. */
    Map<Metric, Figure> handshakes() throws Exception {
        return connections("handshakes", server.uri("/echo"), Metric.HANDSHAKE_RATE, Metric.HANDSHAKE_CPU);
    }

    /**
     * What the container costs before any WebSocket code: the same connections as {@link
     * #handshakes}, each carrying one plain GET of the endpoint's path ({@code Connection: close},
     * no upgrade), which the endpoint's servlet refuses with a one-line 400; the server closes.
     */
    Map<Metric, Figure> plainRequests() throws Exception {
        URI ws = server.uri("/echo");
        URI http = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + ws.getRawPath());
        return connections("plain requests", http, Metric.REQUEST_RATE, Metric.REQUEST_CPU);
    }

    private Map<Metric, Figure> connections(String phase, URI uri, Metric rate, Metric cpu) throws Exception {
        LongAdder done = new LongAdder();
        LongAdder unclean = new LongAdder();
        boolean[] running = {true};
        LoadClient.Driver driver = new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                conn.close();
            }

            @Override
            public void onEnd(LoadClient.Conn conn, boolean clean) {
                if (conn.worker.recording) {
                    (clean ? done : unclean).increment();
                }
                if (running[0]) {
                    conn.worker.connect(conn);
                }
            }
        };
        client.open(uri, o.handshakeConcurrency, driver);
        Window window = window(running);
        long failed = unclean.sum() + client.failures.getAndSet(0);
        if (failed > 0) {
            String why = failed + " of " + (failed + done.sum()) + " not closed cleanly";
            log.println(phase + ": failed, " + why);
            return failed(why, rate, cpu);
        }
        Map<Metric, Figure> figures = new EnumMap<>(Metric.class);
        figures.put(rate, Figure.of(done.sum() / window.seconds()));
        figures.put(cpu, Figure.of(window.cpuSeconds() * 1e6 / Math.max(1, done.sum())));
        log.println(phase + ": " + figures);
        return figures;
    }

    /** One sender and {@code receivers} receivers on /chat, up to {@code chatWindow} broadcasts in flight. */
    Map<Metric, Figure> chat() throws Exception {
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
                while (running[0] && (sent - o.chatWindow) * everyone < delivered.get()) {
                    sent++;
                    conn.sendFrame(frame);
                }
            }
        };
        client.open(server.uri("/chat"), o.receivers, receiver);
        awaitCount(opened::sum, o.receivers);
        client.open(server.uri("/chat"), 1, sender);
        awaitCount(opened::sum, everyone);
        Window window = window(running);
        long errors = bad.sum() + client.failures.getAndSet(0);
        if (errors > 0) {
            log.println("chat: failed, " + errors + " truncated or lost");
            return failed(errors + " truncated or lost", Metric.CHAT_RATE);
        }
        Figure rate = Figure.of(counted.sum() / window.seconds());
        log.println("chat: " + rate);
        return Map.of(Metric.CHAT_RATE, rate);
    }

    /** The server's heap after GC with {@code idle} idle open connections, minus before, per connection. */
    Map<Metric, Figure> idle() throws Exception {
        long before = server.heapAfterGc();
        LongAdder opened = new LongAdder();
        client.open(server.uri("/echo"), o.idle, new LoadClient.Driver() {
            @Override
            public void onOpen(LoadClient.Conn conn) {
                opened.increment();
            }
        });
        awaitCount(opened::sum, o.idle);
        long after = server.heapAfterGc();
        if (o.histograms != null) {
            writeHistogram();
        }
        client.closeAll(60_000);
        Figure figure = Figure.of((after - before) / 1024.0 / o.idle);
        log.println(String.format(Locale.ROOT, "idle: %s KiB per connection (%,d KiB before, %,d KiB after)", figure,
                before / 1024, after / 1024));
        return Map.of(Metric.IDLE_HEAP, figure);
    }

    /** The server's live objects by class while the idle connections are open, into {@code --histograms}. */
    private void writeHistogram() throws IOException, InterruptedException {
        Files.createDirectories(o.histograms);
        String name = server.label().replaceAll("[^A-Za-z0-9.]+", "-") + "-" + o.idle + "-idle.txt";
        Path file = o.histograms.resolve(name);
        Path jmap = Path.of(System.getProperty("java.home"), "bin", "jmap");
        Process process = new ProcessBuilder(jmap.toString(), "-histo:live", Long.toString(server.pid()))
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jmap -histo:live failed; see " + file);
        }
        log.println("idle: class histogram in " + file);
    }

    /** Warm-up, then the measured window; then the phase stops ({@code running}) and its connections close. */
    private Window window(boolean[] running) throws Exception {
        sleep(o.warmup);
        client.drainSamples();
        long ticks = server.cpuTicks();
        client.recording(true);
        long start = System.nanoTime();
        sleep(o.duration);
        client.recording(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (server.cpuTicks() - ticks) / ticksPerSecond;
        long[] samples = client.drainSamples();
        running[0] = false;
        client.closeAll(20_000);
        Arrays.sort(samples);
        return new Window(seconds, cpuSeconds, samples);
    }

    private static Map<Metric, Figure> failed(String why, Metric... metrics) {
        Map<Metric, Figure> figures = new EnumMap<>(Metric.class);
        for (Metric metric : metrics) {
            figures.put(metric, Figure.failed(why));
        }
        return figures;
    }

    private void awaitCount(java.util.function.LongSupplier count, long expected) {
        Await.until(() -> "only " + count.getAsLong() + " of " + expected + " connections opened ("
                + client.failures.get() + " failed)", Duration.ofSeconds(60),
                () -> count.getAsLong() >= expected || client.failures.get() > expected / 10);
        if (count.getAsLong() < expected) {
            throw new IllegalStateException(client.failures.get() + " of " + expected + " connections failed to open");
        }
    }

    private static byte[] payload(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
