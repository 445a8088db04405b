package io.github.hixie76.bench;

import io.github.hixie76.bench.Report.Figure;
import io.github.hixie76.bench.Report.Metric;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Load benchmark (README, "Benchmarks"): this project's WAR on Jetty 12.1 and on Tomcat 11 against
 * the best hixie-76 peers, Java-WebSocket's {@code Draft_76} server and Netty's
 * {@code WebSocketServerHandshaker00}, and against a raw NIO TCP echo server (the ceiling of this
 * machine, echo only), all driven by the same non-blocking {@link LoadClient}:
 *
 * <pre>mvn -q test-compile exec:java@bench -Dexec.args="--rounds 3 --svg docs/bench-echo.svg"</pre>
 *
 * <p>Each server runs in a JVM of its own ({@link ForkedServer}, {@link ContainerServer}), started
 * afresh for each round; servers alternate in rounds (A B C A B C) so that a machine's drift hits
 * them alike. Phases ({@link Phases}): echo with a window of messages in flight per connection,
 * the same echo through the WAR's relay (jetty and tomcat only), handshakes, /chat broadcast, heap per idle connection; server CPU per operation from
 * /proc/PID/stat. The {@link Report} gives medians and per-round ratios; {@link SvgChart} draws echo.
 */
public final class Bench {

    private Bench() {
    }

    /** Every server, in column order, with its label. */
    static final Map<String, String> SERVERS = servers();

    /**
     * The servers a run takes unless {@code --servers} names others: all but the variant with the
     * Redis bus on ("Running more than one node"), which measures the bus's cost, not a peer.
     */
    static final List<String> DEFAULT_SERVERS = List.of("raw", "jws", "netty", "jetty", "tomcat");

    static final List<String> PHASES = List.of("echo", "relay", "handshake", "request", "chat", "idle");

    /**
     * The servers that deploy the WAR, whose demo relays /relay/echo to /echo: the relay phase's;
     * and the containers, whose own cost per request the request phase measures.
     */
    static final List<String> CONTAINERS = List.of("jetty", "tomcat");

    private static Map<String, String> servers() {
        Map<String, String> servers = new LinkedHashMap<>();
        servers.put("raw", "raw NIO TCP echo (ceiling)");
        servers.put("jws", "Java-WebSocket 1.3.4 Draft_76");
        servers.put("netty", "Netty 4.2 Handshaker00");
        servers.put("jetty", "ours: WAR on Jetty 12.1 (ee10)");
        servers.put("tomcat", "ours: WAR on Tomcat 11");
        servers.put("jetty-redis", "ours: WAR on Jetty 12.1 (ee10) + Redis bus");
        return servers;
    }

    static final class Options {
        int rounds = 3;
        double warmup = 2;
        double duration = 5;
        int connections = 100;
        int window = 4;
        int size = 64;
        int handshakeConcurrency = 16;
        int receivers = 1000;
        int chatWindow = 16;
        int idle = 10_000;
        int clientThreads = 1;
        List<String> servers = DEFAULT_SERVERS;
        List<String> phases = PHASES;
        String serverJvmArgs = "-Xmx1g";
        Path svg;
        /** Where the idle phase writes each server's class histogram (jmap -histo:live), or null. */
        Path histograms;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) {
                    throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
                }
                switch (args[i]) {
                    case "--rounds" -> o.rounds = Integer.parseInt(value);
                    case "--warmup" -> o.warmup = Double.parseDouble(value);
                    case "--duration" -> o.duration = Double.parseDouble(value);
                    case "--connections" -> o.connections = Integer.parseInt(value);
                    case "--window" -> o.window = Integer.parseInt(value);
                    case "--size" -> o.size = Integer.parseInt(value);
                    case "--handshake-concurrency" -> o.handshakeConcurrency = Integer.parseInt(value);
                    case "--receivers" -> o.receivers = Integer.parseInt(value);
                    case "--chat-window" -> o.chatWindow = Integer.parseInt(value);
                    case "--idle" -> o.idle = Integer.parseInt(value);
                    case "--client-threads" -> o.clientThreads = Integer.parseInt(value);
                    case "--servers" -> o.servers = known(value, List.copyOf(SERVERS.keySet()));
                    case "--phases" -> o.phases = known(value, PHASES);
                    case "--server-jvm-args" -> o.serverJvmArgs = value;
                    case "--svg" -> o.svg = Path.of(value);
                    case "--histograms" -> o.histograms = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                }
            }
            return o;
        }

        List<String> jvmArgs() {
            return serverJvmArgs.isBlank() ? List.of() : Arrays.asList(serverJvmArgs.trim().split("\\s+"));
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
            options: --servers raw,jws,netty,jetty,tomcat (also jetty-redis)  --phases echo,relay,handshake,request,chat,idle  --rounds R (3)
              --warmup S (2)  --duration S (5, measured per phase)  --connections C (100, echo)  --window W (4 in flight)
              --size B (64)  --handshake-concurrency N (16)  --receivers R (1000, chat)  --chat-window W (16)
              --idle I (10000)  --client-threads T (1)  --server-jvm-args "-Xmx1g ..."  --svg FILE (echo chart)
              --histograms DIR (the idle phase's class histogram of each server, as jmap -histo:live prints it)""";

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        Report report = run(options, System.out);
        System.out.printf("%nfull run: %.0f s%n%n", (System.nanoTime() - start) / 1e9);
        System.out.println(report.markdown());
        System.exit(0);
    }

    /** Runs every round: each server in turn, started afresh, every phase it takes. */
    static Report run(Options options, PrintStream log) throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        options.servers.forEach(s -> labels.put(s, SERVERS.get(s)));
        Report report = new Report(options, labels);
        double ticksPerSecond = clockTicksPerSecond();
        for (int round = 0; round < options.rounds; round++) {
            for (String server : options.servers) {
                log.println("== round " + (round + 1) + ": " + SERVERS.get(server));
                try (BenchServer target = start(server, options);
                        LoadClient client = new LoadClient(options.clientThreads, 100)) {
                    Phases phases = new Phases(client, target, options, log, ticksPerSecond);
                    for (String phase : options.phases) {
                        if (server.equals("raw") && !phase.equals("echo")) {
                            continue; // plain TCP has no handshake, no /chat; its heap is not a WebSocket's
                        }
                        if ((phase.equals("relay") || phase.equals("request")) && !CONTAINERS.contains(server)) {
                            continue; // only the WAR has a relay; the request phase measures a container
                        }
                        for (Map.Entry<Metric, Figure> figure : measure(phases, phase, client, log).entrySet()) {
                            report.put(round, server, figure.getKey(), figure.getValue());
                        }
                    }
                    String bus = target instanceof ContainerServer container ? container.chatBus() : null;
                    if (bus != null) {
                        log.println("/chat bus: " + bus); // published, and none lost or dropped
                    }
                }
            }
        }
        if (options.svg != null) {
            SvgChart.write(report, options, options.svg);
        }
        return report;
    }

    /** One phase; a phase that throws is reported as failed and the run goes on. */
    private static Map<Metric, Figure> measure(Phases phases, String phase, LoadClient client, PrintStream log)
            throws InterruptedException {
        try {
            return switch (phase) {
                case "echo" -> phases.echo();
                case "relay" -> phases.relayEcho();
                case "handshake" -> phases.handshakes();
                case "request" -> phases.plainRequests();
                case "chat" -> phases.chat();
                default -> phases.idle();
            };
        } catch (Exception | AssertionError e) {
            log.println(phase + ": failed, " + e);
            client.closeAll(20_000);
            client.failures.set(0);
            Map<Metric, Figure> failed = new LinkedHashMap<>();
            for (Metric metric : Metric.values()) {
                if (metric.phase.equals(phase)) {
                    failed.put(metric, Figure.failed(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
                }
            }
            return failed;
        }
    }

    private static BenchServer start(String server, Options o) throws Exception {
        String label = SERVERS.get(server);
        return switch (server) {
            case "jetty" -> ContainerServer.start("jetty-ee10", label, o.jvmArgs());
            case "tomcat" -> ContainerServer.start("tomcat-11", label, o.jvmArgs());
            case "jetty-redis" -> ContainerServer.startWithBus("jetty-ee10", label, o.jvmArgs());
            default -> ForkedServer.start(server, label, o.jvmArgs());
        };
    }

    /** {@code getconf CLK_TCK}: the unit of /proc/PID/stat's CPU times (normally 100). */
    static double clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        getconf.waitFor();
        return out.matches("[0-9]+") ? Double.parseDouble(out) : 100;
    }
}
