package io.github.hixie76;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout of docs/ARCHITECTURE.md held to the code: which package of the project may use
 * which (arrows one way, no cycles), which may use the Servlet API, and files in main short
 * enough to read, or saying at their top why they are not.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/github/hixie76");
    private static final Pattern PROJECT = Pattern.compile("\\bio\\.github\\.hixie76\\.(\\w+)\\.");
    private static final Pattern SERVLET_API = Pattern.compile("\\b(jakarta|javax)\\.(servlet|websocket)\\.");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\n]*", Pattern.DOTALL);
    private static final int MAX_LINES = 350;

    /** What each package may use of the project's others. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "api", Set.of(),
            "protocol", Set.of(),
            "engine", Set.of("api", "protocol"),
            "transport", Set.of("engine", "protocol", "api"),
            "rfc6455", Set.of("engine", "api"),
            "cluster", Set.of("engine", "api"),
            "relay", Set.of("engine", "protocol", "api"),
            "server", Set.of("transport", "rfc6455", "cluster", "relay", "engine", "protocol", "api"),
            "client", Set.of("protocol"),
            "demo", Set.of("api"));

    /** The packages that stay free of the Servlet API (and of any container). */
    private static final Set<String> PURE = Set.of("api", "protocol", "engine", "relay", "client", "demo");

    @Test
    void packagesUseOnlyThoseBelowThem() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String from = MAIN.relativize(file).getName(0).toString();
            String text = code(Files.readString(file));
            Matcher m = PROJECT.matcher(text);
            while (m.find()) {
                String to = m.group(1);
                if (!to.equals(from)) {
                    used.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    if (!ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
                        violations.add(MAIN.relativize(file) + " uses " + to);
                    }
                }
            }
            if (PURE.contains(from) && SERVLET_API.matcher(text).find()) {
                violations.add(MAIN.relativize(file) + " uses the Servlet API");
            }
        }
        assertTrue(ALLOWED.keySet().containsAll(used.keySet()), "a package docs/ARCHITECTURE.md does not place: " + used);
        assertEquals(List.of(), violations, "package graph: " + used);
    }

    @Test
    void filesInMainAreShortOrSayWhyNot() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path file : sources()) {
            List<String> lines = Files.readAllLines(file);
            boolean explained = lines.stream().limit(40).anyMatch(line -> line.contains("Longer than " + MAX_LINES + " lines:"));
            if (lines.size() > MAX_LINES && !explained) {
                tooLong.add(MAIN.relativize(file) + " (" + lines.size() + " lines)");
            }
        }
        assertEquals(List.of(), tooLong, "files over " + MAX_LINES + " lines with no 'Longer than " + MAX_LINES
                + " lines:' reason in their first 40 lines");
    }

    /** The code of a source file without its comments: what it uses, not what it mentions. */
    private static String code(String source) {
        return COMMENT.matcher(source).replaceAll(" ");
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            assertTrue(java.size() > 20, "sources not found under " + MAIN.toAbsolutePath());
            return java;
        }
    }
}
