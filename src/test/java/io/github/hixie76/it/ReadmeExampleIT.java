package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.testing.ExampleProject;
import io.github.hixie76.testing.Pom;
import io.github.hixie76.testing.Readme;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void runsInAProjectWithOnlyTheDocumentedDependencies() throws Exception {
        ExampleProject project = new ExampleProject(Path.of("target/readme-example"));
        project.write("src/main/java/com/example/Shouter.java", Readme.blockAfter(ReadmeExampleTest.SHOUTER));
        String test = Readme.blockAfter(ReadmeExampleTest.SHOUTER_TEST);
        project.write("src/test/java/com/example/ShouterTest.java", test);
        project.writePom("readme-example", dependencies(Readme.blockAfter(ReadmeExampleTest.DEPENDENCIES)));
        assertEquals(List.of(ExampleProject.testCount(test), 0, 0, 0), project.mvnTest("com.example.ShouterTest"),
                "ShouterTest's tests all ran and passed");
    }

    /** README's dependencies, with this build's jars for its own artifacts. */
    private static String dependencies(String dependencies) throws Exception {
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
        return xml.toString();
    }
}
