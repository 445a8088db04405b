package io.github.hixie76.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A user's Maven project under target/, written from scratch for an IT: its files, a pom with the
 * given dependencies and this build's plugin versions, and Maven's own {@code mvn test}.
 */
public final class ExampleProject {

    private final Path root;

    /** A fresh project at ROOT: whatever an earlier run left there is removed. */
    public ExampleProject(Path root) throws Exception {
        this.root = root;
        deleteTree(root);
    }

    public Path root() {
        return root;
    }

    /** Writes a file of the project, PATH relative to its root. */
    public void write(String path, String text) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Writes pom.xml: artifact ARTIFACT_ID of com.example, DEPENDENCIES (XML elements) and this build's plugins. */
    public void writePom(String artifactId, String dependencies) throws Exception {
        Pom build = Pom.read();
        write("pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>%s</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(artifactId, dependencies, build.pluginVersion("maven-compiler-plugin"),
                build.pluginVersion("maven-surefire-plugin")));
    }

    /**
     * Runs {@code mvn -B -q test} in the project, fails unless it exits 0, and returns the counts
     * [tests, failures, errors, skipped] of the surefire report of TEST_CLASS.
     */
    public List<Integer> mvnTest(String testClass) throws Exception {
        Command maven = Command.run(root, List.of(Command.mvn(), "-B", "-q", "test"), "", Duration.ofMinutes(5));
        if (maven.exit() != 0) {
            throw new AssertionError("mvn test in " + root + " exited " + maven.exit() + ":\n"
                    + maven.stdout() + maven.stderr());
        }
        String report = Files.readString(root.resolve("target/surefire-reports/TEST-" + testClass + ".xml"));
        return List.of(attribute(report, "tests"), attribute(report, "failures"), attribute(report, "errors"),
                attribute(report, "skipped"));
    }

    /** How many methods SOURCE marks {@code @Test}. */
    public static int testCount(String source) {
        return (int) source.lines().filter(line -> line.strip().equals("@Test")).count();
    }

    /** A system-scoped dependency on this build's jar of the given classifier (after 'package'). */
    public static String buildJar(String classifier) {
        return """
                    <dependency>
                      <groupId>io.github.hixie76</groupId>
                      <artifactId>hixie76-servlet</artifactId>
                      <version>0.1.0-SNAPSHOT</version>
                      <classifier>%s</classifier>
                      <scope>system</scope>
                      <systemPath>%s</systemPath>
                    </dependency>
                """.formatted(classifier, Path.of("target/hixie76-servlet-" + classifier + ".jar").toAbsolutePath());
    }

    /** A test-scoped dependency on the version this build uses of GROUP:ARTIFACT. */
    public static String testDependency(String group, String artifact) throws Exception {
        return """
                    <dependency>
                      <groupId>%s</groupId>
                      <artifactId>%s</artifactId>
                      <version>%s</version>
                      <scope>test</scope>
                    </dependency>
                """.formatted(group, artifact, Pom.read().dependencyVersion(group, artifact));
    }

    private static int attribute(String report, String name) {
        Matcher value = Pattern.compile("<testsuite [^>]*\\b" + name + "=\"(\\d+)\"").matcher(report);
        if (!value.find()) {
            throw new AssertionError("no " + name + " in the surefire report");
        }
        return Integer.parseInt(value.group(1));
    }

    private static void deleteTree(Path root) throws Exception {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            }
        }
    }
}
