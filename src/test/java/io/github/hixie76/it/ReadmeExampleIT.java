package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.testing.Command;
import io.github.hixie76.testing.Pom;
import io.github.hixie76.testing.Readme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * README's example in a project of its own, as a user sets it up: its two files, README's
 * dependencies, and Maven's own {@code mvn test}. This repository's jars (after 'package')
 * stand in for the installed artifacts of the same classifiers, so that nothing else of this
 * build is on the example's classpath: a class missing from the testing jar, or a dependency
 * missing from README, fails here.
 */
class ReadmeExampleIT {

    private static final Path PROJECT = Path.of("target/readme-example");

    @Test
    void runsInAProjectWithOnlyTheDocumentedDependencies() throws Exception {
        deleteTree(PROJECT);
        write(PROJECT.resolve("src/main/java/com/example/Shouter.java"), Readme.blockAfter(ReadmeExampleTest.SHOUTER));
        String test = Readme.blockAfter(ReadmeExampleTest.SHOUTER_TEST);
        write(PROJECT.resolve("src/test/java/com/example/ShouterTest.java"), test);
        write(PROJECT.resolve("pom.xml"), pom(Readme.blockAfter(ReadmeExampleTest.DEPENDENCIES)));

        Command maven = Command.run(PROJECT, List.of(Command.mvn(), "-B", "-q", "test"), "", Duration.ofMinutes(5));
        assertEquals(0, maven.exit(), "mvn test in " + PROJECT + ":\n" + maven.stdout() + maven.stderr());

        String report = Files.readString(PROJECT.resolve("target/surefire-reports/TEST-com.example.ShouterTest.xml"));
        int tests = (int) test.lines().filter(line -> line.strip().equals("@Test")).count();
        assertEquals(List.of(tests, 0, 0, 0), List.of(attribute(report, "tests"), attribute(report, "failures"),
                attribute(report, "errors"), attribute(report, "skipped")), "ShouterTest's tests all ran and passed");
    }

    /** A user's pom: README's dependencies, this build's jars for its own artifacts, this build's plugin versions. */
    private static String pom(String dependencies) throws Exception {
        Pom build = Pom.read();
        StringBuilder xml = new StringBuilder();
        for (Element dependency : Pom.dependencies(dependencies)) {
            if (Pom.text(dependency, "groupId").equals("io.github.hixie76")) {
                Path jar = Path.of("target/hixie76-servlet-" + Pom.text(dependency, "classifier") + ".jar");
                Pom.children(dependency, "scope").forEach(dependency::removeChild);
                dependency.appendChild(dependency.getOwnerDocument().createElement("scope")).setTextContent("system");
                dependency.appendChild(dependency.getOwnerDocument().createElement("systemPath"))
                        .setTextContent(jar.toAbsolutePath().toString());
            }
            xml.append(Pom.toXml(dependency)).append('\n');
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>readme-example</artifactId>
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
                """.formatted(xml, build.pluginVersion("maven-compiler-plugin"), build.pluginVersion("maven-surefire-plugin"));
    }

    private static int attribute(String report, String name) {
        Matcher value = Pattern.compile("<testsuite [^>]*\\b" + name + "=\"(\\d+)\"").matcher(report);
        if (!value.find()) {
            throw new AssertionError("no " + name + " in the surefire report");
        }
        return Integer.parseInt(value.group(1));
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
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
