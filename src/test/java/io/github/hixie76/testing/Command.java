package io.github.hixie76.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end as a user runs it from a shell: standard input given, standard
 * output and error kept apart, and a deadline after which it is killed and the test fails.
 *
 * @param exit its exit status
 * @param stdout what it wrote to standard output, UTF-8
 * @param stderr what it wrote to standard error, UTF-8
 */
public record Command(int exit, String stdout, String stderr) {

    /** Runs {@code words} in {@code directory} with {@code stdin} as its input (then closed). */
    public static Command run(Path directory, List<String> words, String stdin, Duration deadline) throws Exception {
        Process process = new ProcessBuilder(words).directory(directory.toFile()).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", words) + " did not end within " + deadline.toSeconds() + " s;"
                    + " its standard error: " + err.get(10, TimeUnit.SECONDS));
        }
        return new Command(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    /** The Maven that runs this build (the maven.home system property), or mvn on the PATH. */
    public static String mvn() {
        String home = System.getProperty("maven.home");
        return home != null ? Path.of(home, "bin", "mvn").toString() : "mvn";
    }

    /** This JVM's java launcher. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command line split into words as a shell does it for words and double-quoted strings (no escapes, no variables). */
    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ' && !quoted) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in: " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Standard output without the terminal reset codes (ESC [0m) that Maven 3.8 writes there. */
    public String stdoutWithoutResets() {
        return stdout.replace("\u001B[0m", "");
    }

    /** Standard error likewise. */
    public String stderrWithoutResets() {
        return stderr.replace("\u001B[0m", "");
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
