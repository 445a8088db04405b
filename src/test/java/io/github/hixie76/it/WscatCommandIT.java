package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.demo.EchoEndpoint;
import io.github.hixie76.testing.Command;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Readme;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command-line client as README documents it, run as a user runs it: the Maven command in
 * this repository's directory, and the library jar (so after 'package'), each as a process of
 * its own with the URL of README replaced by a running server's.
 */
class WscatCommandIT {

    private static final String README_URL = "ws://localhost:8080/echo";
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/echo", EchoEndpoint.class), Map.of());

    @Test
    void theMavenCommandEchoesEachLine() throws Exception {
        Command run = Command.run(Path.of("."), documented("exec:java@wscat", SERVER.uri("/echo")), "hello\nwörld 😀\n",
                DEADLINE);
        assertEquals(0, run.exit(), run.stderr());
        assertEquals("hello\nwörld 😀\n", run.stdoutWithoutResets());
        assertEquals("", run.stderrWithoutResets());
    }

    @Test
    void theMavenCommandExitsWithTheCheckThatFailed() throws Exception {
        Command run = Command.run(Path.of("."), documented("exec:java@wscat", SERVER.uri("/nowhere")), "never sent\n",
                DEADLINE);
        assertEquals(1, run.exit(), run.stderr());
        assertEquals("wscat: handshake with " + SERVER.uri("/nowhere")
                + " failed: status: expected 101, got 'HTTP/1.1 404 Not Found' (an HTML error page)\n",
                run.stderrWithoutResets());
        assertEquals("", run.stdoutWithoutResets());
    }

    @Test
    void theLibraryJarRunsItWithNothingElseOnStandardOutput() throws Exception {
        Command run = Command.run(Path.of("."), documented("java -cp target/hixie76-servlet-lib.jar", SERVER.uri("/echo")),
                "from the jar\n", DEADLINE);
        assertEquals(0, run.exit(), run.stderr());
        assertEquals("from the jar\n", run.stdout());
        assertEquals("", run.stderr());
    }

    /** README's one command line containing {@code part}, its URL replaced by {@code uri}, its program found here. */
    private static List<String> documented(String part, URI uri) {
        String line = Readme.commandWith(part);
        if (!line.contains(README_URL)) {
            throw new AssertionError("README's command has no " + README_URL + ": " + line);
        }
        List<String> words = new ArrayList<>(Command.words(line.replace(README_URL, uri.toString())));
        words.set(0, switch (words.get(0)) {
            case "mvn" -> Command.mvn();
            case "java" -> Command.java();
            default -> throw new AssertionError("README's command runs neither mvn nor java: " + line);
        });
        return words;
    }
}
