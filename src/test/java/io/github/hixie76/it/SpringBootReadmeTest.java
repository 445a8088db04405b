package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.testing.Pom;
import io.github.hixie76.testing.Readme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * README's "Spring Boot" is what SpringBootIT runs: its two bean classes are byte for byte
 * those of the fixture application (src/test/spring-boot/app), and its dependency is the one
 * each fixture's pom names (there with this build's jar in place of the installed artifact).
 */
class SpringBootReadmeTest {

    private static final Path APP = Path.of("src/test/spring-boot/app/src/main/java/com/example/boot");
    private static final Path FIXTURES = Path.of("src/test/spring-boot");

    @Test
    void theServletBeanIsTheFixturesOwn() throws Exception {
        assertEquals(Files.readString(APP.resolve("ServletBeanRegistration.java")),
                Readme.blockAfter("`src/main/java/com/example/boot/ServletBeanRegistration.java`:"));
    }

    @Test
    void theInitializerBeanIsTheFixturesOwn() throws Exception {
        assertEquals(Files.readString(APP.resolve("InitializerRegistration.java")),
                Readme.blockAfter("`src/main/java/com/example/boot/InitializerRegistration.java`:"));
    }

    @Test
    void springBoot3TakesTheLibraryJar() throws Exception {
        assertDocumented("Spring Boot 3 (embedded Tomcat 10.1, jakarta) takes the `lib` jar:", "boot-3");
    }

    @Test
    void springBoot27TakesTheJavaxLibraryJar() throws Exception {
        assertDocumented("Spring Boot 2.7 (embedded Tomcat 9, javax) takes the `javax-lib` jar:", "boot-2.7");
    }

    /** README's dependency after {@code caption} is the library dependency of fixture {@code name}'s pom. */
    private static void assertDocumented(String caption, String name) throws Exception {
        List<Element> documented = Pom.dependencies(Readme.blockAfter(caption));
        assertEquals(1, documented.size(), "one dependency after '" + caption + "'");
        String pom = Files.readString(FIXTURES.resolve(name).resolve("pom.xml"));
        String dependencies = pom.substring(pom.indexOf("<dependencies>") + "<dependencies>".length(),
                pom.indexOf("</dependencies>"));
        Element used = Pom.dependencies(dependencies).stream()
                .filter(dependency -> Pom.text(dependency, "groupId").equals("io.github.hixie76")).findFirst()
                .orElseThrow(() -> new AssertionError(name + "'s pom names no io.github.hixie76 dependency"));
        for (String field : List.of("groupId", "artifactId", "version", "classifier")) {
            assertEquals(Pom.text(used, field), Pom.text(documented.get(0), field), field + " of " + name + "'s pom");
        }
        assertEquals(Pom.read().version(), Pom.text(used, "version"), "the version of this build");
    }
}
