package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node scripts of src/test/browser and their packages (acorn, playwright-core), which
 * {@code npm ci} installs from the committed lock file into target/browser-tools when the lock
 * file changed (npm's cache makes later runs offline). Playwright never downloads a browser
 * here: the scripts drive Debian's chromium. Thread-safe: installing is synchronized.
 */
public final class BrowserTools {

    private static final Path SOURCE = Path.of("src/test/browser");
    private static final Path PREFIX = Path.of("target/browser-tools");

    private BrowserTools() {
    }

    /** {@code node SCRIPT NODE_MODULES args...}: a script of src/test/browser with the installed packages. */
    public static List<String> command(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(onPath("node"), SOURCE.resolve(script).toAbsolutePath().toString(),
                install().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** The environment the scripts and npm run with: no browser download, ever. */
    public static ProcessBuilder environment(ProcessBuilder builder) {
        builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        return builder;
    }

    private static synchronized Path install() throws IOException, InterruptedException {
        Path modules = PREFIX.resolve("node_modules");
        Path installed = PREFIX.resolve("installed-lock.json"); // written only after a complete npm ci
        byte[] lock = Files.readAllBytes(SOURCE.resolve("package-lock.json"));
        if (Files.isRegularFile(installed) && Arrays.equals(Files.readAllBytes(installed), lock)) {
            return modules;
        }
        Files.createDirectories(PREFIX);
        Files.deleteIfExists(installed);
        Files.copy(SOURCE.resolve("package.json"), PREFIX.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(PREFIX.resolve("package-lock.json"), lock);
        Path log = PREFIX.resolve("npm.log");
        Process npm = environment(new ProcessBuilder(onPath("npm"), "ci", "--prefer-offline", "--no-audit", "--no-fund"))
                .directory(PREFIX.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(3, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            fail("npm ci of " + SOURCE.resolve("package.json") + " into " + PREFIX + " failed; see " + log.toAbsolutePath());
        }
        Files.write(installed, lock);
        return modules;
    }

    private static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("the browser tests need Node.js: '" + program + "' must be on the PATH"
                + " (apt-get install nodejs npm; .ci/run does so)");
    }
}
