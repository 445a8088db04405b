package io.github.hixie76.bench;

import io.github.hixie76.bench.Report.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report's chart: one bar per server for the median echo throughput and one for the median
 * echo p99 latency, as a self-contained SVG (no scripts, no fonts to fetch). A server whose echo
 * failed in every round says "failed" instead of a bar.
 *
 * <p>Stateless.
 */
final class SvgChart {

    private static final int LABEL = 250;
    private static final int BAR = 300;
    private static final int ROW = 24;

    private SvgChart() {
    }

    static void write(Report report, Bench.Options options, Path file) throws IOException {
        List<String> servers = List.copyOf(report.labels().keySet());
        int panel = 40 + servers.size() * ROW;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"13\">%n", LABEL + BAR + 110, 2 * panel + 30));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        panel(svg, report, servers, Metric.ECHO_RATE, "echo msgs/s, " + options.connections + " connections × "
                + options.window + " in flight, " + options.size + " B (median of " + options.rounds + " rounds; more is better)",
                "#3b7dd8", 0);
        panel(svg, report, servers, Metric.ECHO_P99, "echo latency p99, ms (less is better)", "#d8833b", panel);
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" fill=\"#666\" font-size=\"11\">"
                + "hixie76-servlet Bench, %s; figures from one 2-core machine: compare ratios</text>%n",
                2 * panel + 20, java.time.LocalDate.now()));
        svg.append("</svg>\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    private static void panel(StringBuilder svg, Report report, List<String> servers, Metric metric, String title,
            String colour, int top) {
        double max = servers.stream().mapToDouble(s -> report.median(s, metric)).filter(v -> !Double.isNaN(v))
                .max().orElse(1);
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-weight=\"bold\">%s</text>%n", top + 20,
                escape(title)));
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            int y = top + 32 + i * ROW;
            double value = report.median(server, metric);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL - 8, y + 14, escape(report.labels().get(server))));
            if (Double.isNaN(value)) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#b00\">failed</text>%n",
                        LABEL, y + 14));
                continue;
            }
            int width = (int) Math.max(1, Math.round(BAR * value / max));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                    LABEL, y, width, ROW - 6, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LABEL + width + 6, y + 14,
                    metric.format(value)));
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
