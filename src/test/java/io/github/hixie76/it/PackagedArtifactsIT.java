package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each artifact of {@code mvn package} speaks one Servlet API: the jakarta WAR and library jar
 * name no {@code javax.servlet} or {@code javax.websocket} type, the javax ones (made by the
 * Transformer and the second compile) no {@code jakarta} one, in their classes, service files
 * and web.xml; and each holds the classes the other holds, so neither lost a class.
 */
class PackagedArtifactsIT {

    @ParameterizedTest
    @CsvSource({"target/hixie76-servlet.war, jakarta, javax, target/hixie76-servlet-javax.war",
            "target/hixie76-servlet-lib.jar, jakarta, javax, target/hixie76-servlet-javax-lib.jar",
            "target/hixie76-servlet-javax.war, javax, jakarta, target/hixie76-servlet.war",
            "target/hixie76-servlet-javax-lib.jar, javax, jakarta, target/hixie76-servlet-lib.jar"})
    void namesOneServletApi(Path artifact, String api, String other, Path twin) throws IOException {
        List<String> project = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        int naming = 0;
        try (ZipFile zip = new ZipFile(artifact.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (name.contains("META-INF/services/" + other + ".")) {
                    wrong.add(name);
                }
                boolean ours = name.contains("io/github/hixie76/") && name.endsWith(".class");
                if (!ours && !name.endsWith("web.xml") && !name.contains("META-INF/services/")) {
                    continue;
                }
                String text;
                try (InputStream in = zip.getInputStream(entry)) {
                    text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                if (ours) {
                    project.add(name.substring(name.indexOf("io/github/hixie76/")));
                }
                for (String pkg : List.of("/servlet/", "/websocket/", ".servlet.", ".websocket.")) {
                    if (text.contains(other + pkg)) {
                        wrong.add(name + " names " + other + pkg);
                    }
                }
                if (other.equals("jakarta") && text.contains("jakarta.ee/xml/ns")) {
                    wrong.add(name + " names the jakartaee namespace");
                }
                if (text.contains(api + "/servlet/") || text.contains(api + ".servlet.")) {
                    naming++;
                }
            }
        }
        assertEquals(List.of(), wrong, artifact + " should name only " + api);
        assertTrue(naming > 10, artifact + ": only " + naming + " entries name " + api + ".servlet");
        assertTrue(project.size() > 100, artifact + ": " + project.size() + " classes");
        assertEquals(classes(twin), project.stream().sorted().toList(), artifact + " and " + twin + " hold the same classes");
    }

    private static List<String> classes(Path artifact) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(java.nio.file.Files.newInputStream(artifact))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (name.contains("io/github/hixie76/") && name.endsWith(".class")) {
                    names.add(name.substring(name.indexOf("io/github/hixie76/")));
                }
            }
        }
        return names.stream().sorted().toList();
    }
}
