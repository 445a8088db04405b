package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.ExampleProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The javax jars as a javax user takes them: a project of its own with an endpoint and its
 * test on {@code TomcatServer} (embedded Tomcat 9), whose only project dependencies are this
 * build's javax library and javax testing jars, and Maven's own {@code mvn test}. A class
 * missing from the javax testing jar, or a jakarta type left in the javax library, fails here.
 * The endpoint and its test are this repository's com.example.Shouter and ShouterTest, the
 * test moved from embedded Jetty to embedded Tomcat 9.
 */
class JavaxHarnessIT {

    private static final Path SOURCES = Path.of("src/test/java/com/example");

    @Test
    void endpointTestsRunOnTomcat9WithTheJavaxJars() throws Exception {
        ExampleProject project = new ExampleProject(Path.of("target/javax-harness-example"));
        project.write("src/main/java/com/example/Shouter.java", Files.readString(SOURCES.resolve("Shouter.java")));
        String test = onTomcat(Files.readString(SOURCES.resolve("ShouterTest.java")));
        project.write("src/test/java/com/example/ShouterTest.java", test);
        project.writePom("javax-harness-example", ExampleProject.buildJar("javax-lib")
                + ExampleProject.buildJar("javax-testing")
                + ExampleProject.testDependency("org.apache.tomcat.embed", "tomcat-embed-core")
                + ExampleProject.testDependency("org.junit.jupiter", "junit-jupiter"));
        assertEquals(List.of(ExampleProject.testCount(test), 0, 0, 0), project.mvnTest("com.example.ShouterTest"),
                "ShouterTest's tests all ran and passed on Tomcat 9");
    }

    /** ShouterTest's source with its JettyServer replaced by TomcatServer (the same API). */
    private static String onTomcat(String jettyTest) {
        assertTrue(jettyTest.contains("JettyServer"), "ShouterTest runs on JettyServer");
        return jettyTest.replace("JettyServer", "TomcatServer").replace("embedded Jetty", "embedded Tomcat 9");
    }
}
