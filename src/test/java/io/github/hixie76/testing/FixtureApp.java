package io.github.hixie76.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The existing web application of the mounting tests, assembled as a user would: its own
 * pages and web.xml ({@code src/test/webapps/existing-app}), its own classes (package
 * {@code io.github.hixie76.fixture}), and the project's library jar in {@code WEB-INF/lib}. For
 * a javax container, the same from the javax build: the classes and web.xml transformed by
 * {@code mvn package} into {@code target/javax/existing-app}, and the javax library jar.
 */
public final class FixtureApp {

    public static final String CONTEXT_PATH = "/existing-app";

    private static final Path SOURCE = Path.of("src/test/webapps/existing-app");
    private static final Path CLASSES = Path.of("target/test-classes/io/github/hixie76/fixture");
    private static final Path LIBRARY = Path.of("target/hixie76-servlet-lib.jar");
    private static final Path TARGET = Path.of("target/fixture/existing-app");
    private static final Path JAVAX_SOURCE = Path.of("target/javax/existing-app");
    private static final Path JAVAX_LIBRARY = Path.of("target/hixie76-servlet-javax-lib.jar");
    private static final Path JAVAX_TARGET = Path.of("target/fixture/existing-app-javax");

    private static Path built;
    private static Path builtJavax;

    private FixtureApp() {
    }

    /** The application's directory for the named container (javax or jakarta), assembled once per test run. */
    public static Path build(String container) {
        return Container.isJavax(container) ? buildJavax() : build();
    }

    /** The javax application's directory, assembled once per test run. */
    public static synchronized Path buildJavax() {
        if (builtJavax == null) {
            builtJavax = assemble(JAVAX_SOURCE, null, JAVAX_LIBRARY, JAVAX_TARGET);
        }
        return builtJavax;
    }

    /** The jakarta application's directory, assembled once per test run. */
    public static synchronized Path build() {
        if (built == null) {
            built = assemble(SOURCE, CLASSES, LIBRARY, TARGET);
        }
        return built;
    }

    /**
     * TARGET afresh: a copy of the application's directory SOURCE, its classes (CLASSES, when they
     * are not in SOURCE already) in WEB-INF/classes, and the LIBRARY jar in WEB-INF/lib.
     */
    private static Path assemble(Path source, Path classes, Path library, Path target) {
        try {
            if (!Files.isRegularFile(library) || !Files.isDirectory(source)) {
                throw new IllegalStateException(library + " or " + source
                        + " is missing: integration tests run after 'mvn package'");
            }
            deleteTree(target);
            copyTree(source, target);
            if (classes != null) {
                copyTree(classes, target.resolve("WEB-INF/classes/io/github/hixie76/fixture"));
            }
            Files.createDirectories(target.resolve("WEB-INF/lib"));
            Files.copy(library, target.resolve("WEB-INF/lib").resolve(library.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }
}
