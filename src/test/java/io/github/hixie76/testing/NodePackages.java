package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Node.js programs and the npm packages of the tests: a folder's package.json and committed
 * lock file, installed with {@code npm ci} into a folder under target when the lock file changed
 * (npm's cache makes later runs offline). Used by the browser tools, the third-party Node server
 * and the Node relay backend. Thread-safe: installing is synchronized.
 */
public final class NodePackages {

    private NodePackages() {
    }

    /** The program on the PATH ({@code node}, {@code npm}); a failed test naming it when there is none. */
    public static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("'" + program + "' must be on the PATH for the tests that use Node.js"
                + " (apt-get install nodejs npm; .ci/run does so)");
    }

    /** {@link #install(Path, Path, UnaryOperator)} with npm in the test's own environment. */
    public static Path install(Path source, Path prefix) throws IOException, InterruptedException {
        return install(source, prefix, UnaryOperator.identity());
    }

    /**
     * The packages of {@code source} (its package.json and package-lock.json) installed under
     * {@code prefix}, by {@code npm ci} run through {@code environment} unless the same lock
     * file was installed there completely before; returns the node_modules folder.
     */
    public static synchronized Path install(Path source, Path prefix, UnaryOperator<ProcessBuilder> environment)
            throws IOException, InterruptedException {
        Path modules = prefix.resolve("node_modules");
        Path installed = prefix.resolve("installed-lock.json"); // written only after a complete npm ci
        byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
        if (Files.isRegularFile(installed) && Arrays.equals(Files.readAllBytes(installed), lock)) {
            return modules;
        }
        Files.createDirectories(prefix);
        Files.deleteIfExists(installed);
        Files.copy(source.resolve("package.json"), prefix.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(prefix.resolve("package-lock.json"), lock);
        Path log = prefix.resolve("npm.log");
        Process npm = environment.apply(new ProcessBuilder(onPath("npm").toString(), "ci", "--prefer-offline",
                "--no-audit", "--no-fund")).directory(prefix.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!npm.waitFor(3, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            fail("npm ci of " + source.resolve("package.json") + " into " + prefix + " failed; see " + log.toAbsolutePath());
        }
        Files.write(installed, lock);
        return modules;
    }
}
