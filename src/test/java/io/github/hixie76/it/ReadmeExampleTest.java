package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.Pom;
import io.github.hixie76.testing.Readme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * README's "Testing your endpoints in CI" is what this repository builds and runs: its two Java
 * files are byte for byte those of src/test/java/com/example (a user's Shouter goes under
 * src/main/java; this repository keeps it out of its own jars), and its dependencies name the
 * versions and classifiers of this build. ReadmeExampleIT builds a project of its own from them.
 */
class ReadmeExampleTest {

    static final String SHOUTER = "`src/main/java/com/example/Shouter.java`:";
    static final String SHOUTER_TEST = "`src/test/java/com/example/ShouterTest.java`:";
    static final String DEPENDENCIES = "The dependencies of your `pom.xml`:";

    @Test
    void theEndpointIsTheOneInTheRepository() throws Exception {
        assertEquals(Files.readString(Path.of("src/test/java/com/example/Shouter.java")), Readme.blockAfter(SHOUTER));
    }

    @Test
    void theTestIsTheOneThatRunsHere() throws Exception {
        assertEquals(Files.readString(Path.of("src/test/java/com/example/ShouterTest.java")), Readme.blockAfter(SHOUTER_TEST));
    }

    @Test
    void theDependenciesAreThoseOfThisBuild() throws Exception {
        Pom pom = Pom.read();
        List<String> ours = new ArrayList<>();
        for (Element dependency : Pom.dependencies(Readme.blockAfter(DEPENDENCIES))) {
            String groupId = Pom.text(dependency, "groupId");
            String artifactId = Pom.text(dependency, "artifactId");
            if (groupId.equals("io.github.hixie76") && artifactId.equals("hixie76-servlet")) {
                assertEquals(pom.version(), Pom.text(dependency, "version"), "the version of this build");
                ours.add(Pom.text(dependency, "classifier"));
            } else {
                assertEquals(pom.dependencyVersion(groupId, artifactId), Pom.text(dependency, "version"),
                        groupId + ":" + artifactId + " as pom.xml has it");
            }
        }
        assertEquals(List.of("lib", "testing"), ours);
        // the javax jars have their own example (JavaxHarnessIT)
        assertEquals(ours, pom.jarClassifiers().stream().filter(c -> !c.startsWith("javax-")).toList(),
                "the classifiers of the jakarta jars pom.xml builds");
    }

    @Test
    void theCommandLineClientRunsThroughItsExecution() throws Exception {
        assertEquals("mvn -q compile exec:java@wscat -Dexec.args=\"ws://localhost:8080/echo\"",
                Readme.commandWith("exec:java@wscat"));
        String pom = Files.readString(Path.of("pom.xml"));
        int execution = pom.indexOf("<id>wscat</id>");
        assertTrue(execution > 0 && pom.indexOf("<mainClass>io.github.hixie76.client.Wscat</mainClass>", execution) > 0,
                "pom.xml has the exec execution 'wscat' with Wscat as its main class");
    }
}
