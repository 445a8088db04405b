package io.github.hixie76.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Node scripts of src/test/browser and their packages (acorn, playwright-core), installed
 * into target/browser-tools by {@link NodePackages}. Playwright never downloads a browser
 * here: the scripts drive Debian's chromium. Thread-safe.
 */
public final class BrowserTools {

    private static final Path SOURCE = Path.of("src/test/browser");
    private static final Path PREFIX = Path.of("target/browser-tools");

    private BrowserTools() {
    }

    /** {@code node SCRIPT NODE_MODULES args...}: a script of src/test/browser with the installed packages. */
    public static List<String> command(String script, String... args) throws IOException, InterruptedException {
        Path modules = NodePackages.install(SOURCE, PREFIX, BrowserTools::environment);
        List<String> command = new ArrayList<>(List.of(NodePackages.onPath("node").toString(),
                SOURCE.resolve(script).toAbsolutePath().toString(), modules.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** The environment the scripts and npm run with: no browser download, ever. */
    public static ProcessBuilder environment(ProcessBuilder builder) {
        builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        return builder;
    }
}
