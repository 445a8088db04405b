package io.github.hixie76.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The benchmark's figures by metric, server and round, and the Markdown report: the median of
 * each figure over the rounds, then each WebSocket server's per-round ratio to the best peer of
 * the same round (and echo's to the raw TCP ceiling), with their median. Ratios are what compare
 * between runs on a noisy machine: a round's servers ran one after the other under the same load.
 *
 * <p>Not thread-safe: the benchmark thread fills it, then reads it.
 */
final class Report {

    /** One figure, or why its phase failed. */
    record Figure(double value, String failure) {
        static Figure of(double value) {
            return new Figure(value, null);
        }

        static Figure failed(String why) {
            return new Figure(Double.NaN, why);
        }

        boolean ok() {
            return failure == null && !Double.isNaN(value);
        }

        @Override
        public String toString() {
            return ok() ? String.format(Locale.ROOT, "%.3f", value) : "failed (" + failure + ")";
        }
    }

    /** What is reported, in order; the phase that measures it; whether more is better. */
    enum Metric {
        ECHO_RATE("echo", true, "%,.0f", o -> "echo msgs/s (" + o.connections + " conns × " + o.window + " in flight, "
                + o.size + " B)"),
        ECHO_P50("echo", false, "%.2f", o -> "echo latency p50 (ms)"),
        ECHO_P99("echo", false, "%.2f", o -> "echo latency p99 (ms)"),
        FAIRNESS("echo", true, "%.2f", o -> "echo fairness (slowest connection's round trips ÷ fastest's)"),
        ECHO_CPU("echo", false, "%.1f", o -> "server CPU µs per echoed message"),
        RELAY_RATE("relay", true, "%,.0f", o -> "relay echo msgs/s (/relay/echo → RFC 6455 /echo, same load)"),
        RELAY_P50("relay", false, "%.2f", o -> "relay echo latency p50 (ms)"),
        RELAY_P99("relay", false, "%.2f", o -> "relay echo latency p99 (ms)"),
        RELAY_CPU("relay", false, "%.1f", o -> "server CPU µs per relayed echo (both legs)"),
        HANDSHAKE_RATE("handshake", true, "%,.0f", o -> "handshakes/s (" + o.handshakeConcurrency
                + " in parallel, each closed with FF 00)"),
        HANDSHAKE_CPU("handshake", false, "%.0f", o -> "server CPU µs per handshake"),
        REQUEST_RATE("request", true, "%,.0f", o -> "plain requests/s (the same, a GET of /echo without upgrade,"
                + " refused 400)"),
        REQUEST_CPU("request", false, "%.0f", o -> "server CPU µs per plain request"),
        IDLE_HEAP("idle", false, "%.2f", o -> "heap per idle connection, KiB (" + String.format(Locale.ROOT, "%,d",
                o.idle) + " open)"),
        CHAT_RATE("chat", true, "%,.0f", o -> "/chat deliveries/s (1 sender → " + String.format(Locale.ROOT, "%,d",
                o.receivers) + " receivers)");

        final String phase;
        final boolean higherIsBetter;
        private final String format;
        private final Function<Bench.Options, String> label;

        Metric(String phase, boolean higherIsBetter, String format, Function<Bench.Options, String> label) {
            this.phase = phase;
            this.higherIsBetter = higherIsBetter;
            this.format = format;
            this.label = label;
        }

        String label(Bench.Options o) {
            return label.apply(o);
        }

        String format(double value) {
            return String.format(Locale.ROOT, format, value);
        }
    }

    private final Bench.Options options;
    /** Server key (as in --servers) to its label, in column order. */
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<Metric, Map<String, Figure[]>> figures = new EnumMap<>(Metric.class);

    Report(Bench.Options options, Map<String, String> labels) {
        this.options = options;
        this.labels.putAll(labels);
    }

    void put(int round, String server, Metric metric, Figure figure) {
        figures.computeIfAbsent(metric, m -> new LinkedHashMap<>())
                .computeIfAbsent(server, s -> new Figure[options.rounds])[round] = figure;
    }

    /** The figures of one server and metric, by round (null where not measured). */
    Figure[] rounds(String server, Metric metric) {
        Figure[] none = new Figure[options.rounds];
        return figures.getOrDefault(metric, Map.of()).getOrDefault(server, none);
    }

    /** The median of the rounds that succeeded, or NaN. */
    double median(String server, Metric metric) {
        return median(Arrays.stream(rounds(server, metric)).filter(f -> f != null && f.ok())
                .mapToDouble(Figure::value).toArray());
    }

    Map<String, String> labels() {
        return labels;
    }

    /** The medians table, then the ratios table, in Markdown. */
    String markdown() {
        Bench.Options o = options;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, %d cores, Java %s; %d rounds (servers alternate: %s), warm-up %s s"
                + " and %s s measured per phase%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), o.rounds, String.join(" ", o.servers), trim(o.warmup),
                trim(o.duration)));
        List<String> servers = new ArrayList<>(labels.keySet());
        header(out, "median of " + o.rounds + " rounds", servers);
        for (Metric metric : figures.keySet()) {
            out.append("| ").append(metric.label(o)).append(" | ")
                    .append(servers.stream().map(s -> medianCell(s, metric)).collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        List<String> peers = servers.stream().filter(s -> !s.equals("raw")).toList();
        out.append('\n');
        header(out, "÷ best peer of the round: median (round 1, 2, …)", peers);
        for (Metric metric : figures.keySet()) {
            out.append("| ").append(metric.label(o)).append(" | ")
                    .append(peers.stream().map(s -> ratioCell(s, metric, round -> best(peers, metric, round)))
                            .collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        if (servers.contains("raw") && figures.containsKey(Metric.ECHO_RATE)) {
            out.append("| echo msgs/s ÷ raw TCP echo (the ceiling) | ")
                    .append(peers.stream().map(s -> ratioCell(s, Metric.ECHO_RATE, round -> value("raw",
                            Metric.ECHO_RATE, round))).collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        relayRatio(out, peers, Metric.RELAY_RATE, Metric.ECHO_RATE, "relay echo msgs/s ÷ direct echo msgs/s");
        relayRatio(out, peers, Metric.RELAY_P99, Metric.ECHO_P99, "relay echo p99 ÷ direct echo p99");
        relayRatio(out, peers, Metric.RELAY_CPU, Metric.ECHO_CPU, "relay CPU per echo ÷ direct CPU per echo");
        relayRatio(out, peers, Metric.REQUEST_CPU, Metric.HANDSHAKE_CPU,
                "CPU per plain request ÷ CPU per handshake (the container's share)");
        return out.toString();
    }

    /** A row of each server's figure ÷ another figure of its own, of the same round (a relay's ÷ its direct echo). */
    private void relayRatio(StringBuilder out, List<String> peers, Metric relay, Metric direct, String title) {
        if (figures.containsKey(relay) && figures.containsKey(direct)) {
            out.append("| ").append(title).append(" | ")
                    .append(peers.stream().map(s -> ratioCell(s, relay, round -> value(s, direct, round)))
                            .collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
    }

    private void header(StringBuilder out, String title, List<String> servers) {
        out.append("| ").append(title).append(" | ")
                .append(servers.stream().map(labels::get).collect(Collectors.joining(" | "))).append(" |\n");
        out.append("|---|").append("---:|".repeat(servers.size())).append('\n');
    }

    private String medianCell(String server, Metric metric) {
        Figure[] rounds = rounds(server, metric);
        long measured = Arrays.stream(rounds).filter(f -> f != null).count();
        List<Figure> failed = Arrays.stream(rounds).filter(f -> f != null && !f.ok()).toList();
        if (measured == 0) {
            return "—";
        }
        if (failed.size() == measured) {
            return "failed (" + failed.get(0).failure() + ")";
        }
        String cell = metric.format(median(server, metric));
        return failed.isEmpty() ? cell : cell + " (" + failed.size() + " of " + measured + " rounds failed)";
    }

    private String ratioCell(String server, Metric metric, java.util.function.IntToDoubleFunction reference) {
        double[] ratios = new double[options.rounds];
        for (int round = 0; round < options.rounds; round++) {
            ratios[round] = value(server, metric, round) / reference.applyAsDouble(round);
        }
        double[] ok = Arrays.stream(ratios).filter(r -> !Double.isNaN(r) && !Double.isInfinite(r)).toArray();
        if (ok.length == 0) {
            return Arrays.stream(rounds(server, metric)).anyMatch(f -> f != null) ? "failed" : "—";
        }
        String perRound = Arrays.stream(ratios).mapToObj(r -> Double.isNaN(r) ? "–" : ratio(r))
                .collect(Collectors.joining(", "));
        return "**" + ratio(median(ok)) + "** (" + perRound + ")";
    }

    private double value(String server, Metric metric, int round) {
        Figure figure = rounds(server, metric)[round];
        return figure != null && figure.ok() ? figure.value() : Double.NaN;
    }

    private double best(List<String> peers, Metric metric, int round) {
        double[] values = peers.stream().mapToDouble(s -> value(s, metric, round)).filter(v -> !Double.isNaN(v))
                .toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return metric.higherIsBetter ? Arrays.stream(values).max().getAsDouble() : Arrays.stream(values).min().getAsDouble();
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, r < 10 ? "%.2f" : "%.1f", r);
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
