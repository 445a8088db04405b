package io.github.hixie76.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.EndpointConfig;
import io.github.hixie76.server.Hixie76Servlet;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.NodePackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A relay to a backend that is not Java: Node's ws (src/test/peers/ws, installed from its lock
 * file with npm) as an absolute {@code ws://} target, hixie-76 clients on the in-process
 * harness. Text both ways, the forwarded headers as ws sees them, its close as FF 00, the
 * client's FF 00 as 1000, its binary message as 1008 and FF 00.
 */
class RelayNodeBackendIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path PEERS_HOME = Path.of("src/test/peers");

    private static Process node;
    private static final BlockingQueue<String> NODE_LINES = new LinkedBlockingQueue<>();
    private static JettyServer relays;

    @BeforeAll
    static void start() throws Exception {
        int port = startNode();
        relays = JettyServer.context("/", context -> context.addServletContainerInitializer((classes,
                servletContext) -> Hixie76Servlet.register(servletContext, "/node", "ws://127.0.0.1:" + port + "/",
                        EndpointConfig.DEFAULTS)));
        relays.beforeAll(null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (relays != null) {
            relays.afterAll(null);
        }
        if (node != null) {
            node.getOutputStream().close(); // the server ends with its standard input
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    @Test
    void textGoesBothWays() throws Exception {
        Hixie76Client client = relays.connect("/node");
        client.send("hello ✓");
        assertEquals("ws: hello ✓", client.awaitMessage(WAIT));
        client.send("again");
        assertEquals("ws: again", client.awaitMessage(WAIT));
    }

    @Test
    void wsSeesTheForwardedHeaders() throws Exception {
        Hixie76Client client = relays.connect(relays.uri("/node"),
                Hixie76Client.Options.builder().origin("http://legacy.example").build());
        client.send("headers");
        String seen = client.awaitMessage(WAIT);
        assertTrue(seen.contains("\"origin\":\"http://legacy.example\""), seen);
        assertTrue(seen.contains("\"x-forwarded-for\":\"127.0.0.1\""), seen);
        assertTrue(seen.contains("\"x-forwarded-proto\":\"http\""), seen);
        assertTrue(seen.contains("\"forwarded\":\"for=127.0.0.1;proto=http;host=\\\"127.0.0.1:" + relays.port()
                + "\\\"\""), seen);
    }

    @Test
    void closesMapBothWays() throws Exception {
        NODE_LINES.clear();
        Hixie76Client closedByNode = relays.connect("/node");
        closedByNode.send("close 4000");
        assertNull(closedByNode.awaitMessage(WAIT));
        assertTrue(closedByNode.awaitClose(WAIT), "FF 00 for ws's 4000");
        assertEquals("CLOSED 4000", nextNodeLine());

        Hixie76Client closing = relays.connect("/node");
        closing.send("x");
        assertEquals("ws: x", closing.awaitMessage(WAIT));
        closing.close();
        assertEquals("CLOSED 1000", nextNodeLine());

        Hixie76Client binary = relays.connect("/node");
        binary.send("binary");
        assertTrue(binary.awaitClose(WAIT), "FF 00 for a binary message");
        assertEquals("CLOSED 1008", nextNodeLine());
    }

    private static String nextNodeLine() throws InterruptedException {
        String line = NODE_LINES.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(line != null, "ws said nothing within " + WAIT);
        return line;
    }

    /** Installs ws from the lock file into target/node-ws-peer ({@link NodePackages}) and starts it. */
    private static int startNode() throws Exception {
        Path source = PEERS_HOME.resolve("ws");
        Path modules = NodePackages.install(source, Path.of("target/node-ws-peer"));
        node = new ProcessBuilder(NodePackages.onPath("node").toString(), source.resolve("server.js").toString(),
                modules.toAbsolutePath().toString()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    NODE_LINES.add(line.trim());
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "ws-peer-output");
        reader.setDaemon(true);
        reader.start();
        String first = nextNodeLine();
        assertTrue(first.startsWith("LISTENING "), "ws said: " + first);
        return Integer.parseInt(first.substring("LISTENING ".length()));
    }
}
