package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Command;
import io.github.hixie76.testing.Pom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The javax jars as a javax user takes them: a project of its own with an endpoint and its
 * test on {@code TomcatServer} (embedded Tomcat 9), whose only project dependencies are this
 * build's javax library and javax testing jars, and Maven's own {@code mvn test}. A class
 * missing from the javax testing jar, or a jakarta type left in the javax library, fails here.
 */
class JavaxHarnessIT {

    private static final Path PROJECT = Path.of("target/javax-harness-example");

    private static final String ENDPOINT = """
            package com.example;

            import io.github.hixie76.api.Endpoint;
            import io.github.hixie76.api.Session;
            import java.util.Locale;

            public final class Shouter implements Endpoint {
                @Override
                public void onMessage(Session session, String text) {
                    if (text.equals("bye")) {
                        session.close();
                    } else {
                        session.send(text.toUpperCase(Locale.ROOT));
                    }
                }
            }
            """;

    private static final String TEST = """
            package com.example;

            import static org.junit.jupiter.api.Assertions.assertEquals;
            import static org.junit.jupiter.api.Assertions.assertTrue;

            import io.github.hixie76.client.HandshakeException;
            import io.github.hixie76.client.Hixie76Client;
            import io.github.hixie76.testing.Rejections;
            import io.github.hixie76.testing.TomcatServer;
            import java.time.Duration;
            import java.util.Map;
            import org.junit.jupiter.api.Test;
            import org.junit.jupiter.api.extension.RegisterExtension;

            class ShouterTest {
                private static final Duration WAIT = Duration.ofSeconds(5);

                @RegisterExtension
                static final TomcatServer SERVER = TomcatServer.endpoints(Map.of("/shout", Shouter.class),
                        Map.of("subprotocols", "shout.v1"));

                @Test
                void shoutsBack() throws Exception {
                    Hixie76Client client = SERVER.connect(SERVER.uri("/shout"),
                            Hixie76Client.Options.builder().subprotocol("shout.v1").build());
                    client.send("hello, wörld");
                    assertEquals("HELLO, WÖRLD", client.awaitMessage(WAIT));
                }

                @Test
                void closesOnBye() throws Exception {
                    Hixie76Client client = SERVER.connect("/shout");
                    client.send("bye");
                    assertTrue(client.awaitClose(WAIT));
                }

                @Test
                void refusesAnotherSubprotocol() throws Exception {
                    HandshakeException refusal = Rejections.expectRejection(SERVER.uri("/shout"),
                            Hixie76Client.Options.builder().subprotocol("whisper").build(), 400);
                    assertTrue(refusal.body().contains("shout.v1"), refusal.body());
                }
            }
            """;

    @Test
    void endpointTestsRunOnTomcat9WithTheJavaxJars() throws Exception {
        deleteTree(PROJECT);
        write(PROJECT.resolve("src/main/java/com/example/Shouter.java"), ENDPOINT);
        write(PROJECT.resolve("src/test/java/com/example/ShouterTest.java"), TEST);
        write(PROJECT.resolve("pom.xml"), pom());
        Command maven = Command.run(PROJECT, List.of(Command.mvn(), "-B", "-q", "test"), "", Duration.ofMinutes(5));
        assertEquals(0, maven.exit(), "mvn test in " + PROJECT + ":\n" + maven.stdout() + maven.stderr());
        String report = Files.readString(PROJECT.resolve("target/surefire-reports/TEST-com.example.ShouterTest.xml"));
        assertTrue(report.contains("tests=\"3\"") && report.contains("failures=\"0\"") && report.contains("errors=\"0\"")
                && report.contains("skipped=\"0\""), report);
    }

    private static String pom() throws Exception {
        Pom build = Pom.read();
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>javax-harness-example</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>io.github.hixie76</groupId>
                      <artifactId>hixie76-servlet</artifactId>
                      <version>0.1.0-SNAPSHOT</version>
                      <classifier>javax-lib</classifier>
                      <scope>system</scope>
                      <systemPath>%s</systemPath>
                    </dependency>
                    <dependency>
                      <groupId>io.github.hixie76</groupId>
                      <artifactId>hixie76-servlet</artifactId>
                      <version>0.1.0-SNAPSHOT</version>
                      <classifier>javax-testing</classifier>
                      <scope>system</scope>
                      <systemPath>%s</systemPath>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.tomcat.embed</groupId>
                      <artifactId>tomcat-embed-core</artifactId>
                      <version>%s</version>
                      <scope>test</scope>
                    </dependency>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId>
                      <artifactId>junit-jupiter</artifactId>
                      <version>%s</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
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
                """.formatted(Path.of("target/hixie76-servlet-javax-lib.jar").toAbsolutePath(),
                Path.of("target/hixie76-servlet-javax-testing.jar").toAbsolutePath(),
                build.dependencyVersion("org.apache.tomcat.embed", "tomcat-embed-core"),
                build.dependencyVersion("org.junit.jupiter", "junit-jupiter"),
                build.pluginVersion("maven-compiler-plugin"), build.pluginVersion("maven-surefire-plugin"));
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
