package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Command;
import io.github.hixie76.testing.ForegroundProcess;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.Readme;
import io.github.hixie76.testing.RedisServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's "Running more than one node" as a user follows it: two demo nodes, each started with
 * the run command and one setting (the Redis URI), behind nginx with the configuration README
 * quotes; a hixie-76 client and an RFC 6455 client on each node are one {@code /chat} room.
 */
class DemoNodesIT {

    private static final String README_PORT = "-Djetty.http.port=8081";
    private static final String README_REDIS = "redis://127.0.0.1:6379";
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEADLINE).build();
    private static final Pattern OPEN = Pattern.compile("\\{\"name\":\"chat\".*?\"openSessions\":(\\d+)");

    @Test
    void twoDemoNodesStartedWithTheRunCommandHoldOneRoomBehindNginx() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            fail(nginx + " is missing: install Debian's nginx (apt-get install -y nginx)");
        }
        String command = Readme.commandWith(README_REDIS);
        assertTrue(command.contains(README_PORT), "README's node command sets the port: " + command);
        Path work = Files.createTempDirectory("demo-nodes");
        List<AutoCloseable> open = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            int[] ports = {freePort(), freePort()};
            // One after the other, as from two terminals: two Maven builds compiling one checkout at
            // the same moment race on target/classes (one deletes classes the other is reading).
            List<ForegroundProcess> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<String> words = new ArrayList<>(Command.words(command
                        .replace(README_PORT, "-Djetty.http.port=" + ports[i])
                        .replace(README_REDIS, redis.uri().toString())));
                assertEquals("mvn", words.get(0), command);
                words.set(0, Command.mvn());
                ForegroundProcess node = ForegroundProcess.start("demo-node-" + (i + 1), Path.of("").toAbsolutePath(),
                        work, ports[i], START, words);
                open.add(0, node);
                nodes.add(node);
            }
            for (ForegroundProcess node : nodes) {
                Await.until(() -> node.name() + "'s bus connected: " + status(node), START,
                        () -> status(node).contains("\"connected\":true") && !status(node).contains("\"connected\":false"));
            }
            int balancerPort = freePort();
            Path conf = work.resolve("nginx.conf");
            Files.writeString(conf, Files.readString(Path.of("src/test/balancers/nginx.conf"))
                    .replace("@PORT@", Integer.toString(balancerPort))
                    .replace("@NODE1@", Integer.toString(ports[0]))
                    .replace("@NODE2@", Integer.toString(ports[1])));
            open.add(0, ForegroundProcess.start("nginx", work, balancerPort, nginx.toString(), "-p", work + "/",
                    "-e", work.resolve("nginx-error.log").toString(), "-c", conf.toString()));

            URI chat = URI.create("ws://127.0.0.1:" + balancerPort + "/chat");
            List<Hixie76Client> old = new ArrayList<>();
            List<JdkWebSocketClient> current = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Hixie76Client hixie76 = Hixie76Client.connect(chat);
                open.add(0, hixie76);
                old.add(hixie76);
                JdkWebSocketClient rfc6455 = JdkWebSocketClient.connect(chat, null, DEADLINE);
                open.add(0, rfc6455);
                current.add(rfc6455);
            }
            for (ForegroundProcess node : nodes) {
                assertEquals(2, openChatSessions(node), node.name() + " serves two of the four (nginx round robin): "
                        + status(node));
            }
            // one message from each protocol: both reach all four, each once (order holds per sender only)
            old.get(0).send("from an old device");
            current.get(1).send("from a browser of today", DEADLINE);
            List<String> both = List.of("from a browser of today", "from an old device");
            for (Hixie76Client client : old) {
                assertEquals(both, sorted(client.awaitMessage(DEADLINE), client.awaitMessage(DEADLINE)));
            }
            for (JdkWebSocketClient client : current) {
                assertEquals(both, sorted(client.awaitMessage(DEADLINE), client.awaitMessage(DEADLINE)));
            }
            // nothing more of those two: the next message anyone gets is the next one sent
            current.get(0).send("the next one", DEADLINE);
            for (Hixie76Client client : old) {
                assertEquals("the next one", client.awaitMessage(DEADLINE));
            }
            for (JdkWebSocketClient client : current) {
                assertEquals("the next one", client.awaitMessage(DEADLINE));
            }
        } finally {
            for (AutoCloseable closeable : open) {
                closeable.close();
            }
        }
    }

    private static List<String> sorted(String... messages) {
        return java.util.Arrays.stream(messages).sorted().toList();
    }

    private static long openChatSessions(ForegroundProcess node) {
        String status = status(node);
        Matcher matcher = OPEN.matcher(status);
        if (!matcher.find()) {
            throw new AssertionError("no open sessions of /chat in " + node.name() + "'s status: " + status);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static String status(ForegroundProcess node) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/status")).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
