package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.ForegroundProcess;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.RawSocket;
import io.github.hixie76.testing.Rejections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes of the packaged WAR, one on Jetty (jetty-ee10) and one on Tomcat (tomcat-11), both
 * started with {@code -Dhixie76.cluster=redis://127.0.0.1:PORT} of one real redis-server,
 * behind Debian's nginx (round robin) and Debian's HAProxy (round robin, {@code mode tcp}, and
 * {@code mode http} to pin down its refusal of hixie-76), each run in the foreground from the
 * configurations under src/test/balancers/ that README quotes. Which node a client landed on is
 * read from the nodes' {@code /status} (the handshake counters by protocol). Every process and
 * the temporary directory go after the class, whatever happened; the node stopping test runs
 * last, as it stops one of the two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {

    private static final Path BALANCERS = Path.of("src/test/balancers");
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** How long a chat message may take to reach every member, across nodes too. */
    private static final Duration DELIVERY = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEADLINE).build();
    private static final String ECHO = Container.CONTEXT_PATH + "/echo";
    /** Numbers the clients, for failure messages. */
    private static final AtomicInteger MEMBERS = new AtomicInteger();

    private Path work;
    private ForegroundProcess redis;
    private int redisPort;
    private final List<Container> nodes = new ArrayList<>();
    private final Map<String, ForegroundProcess> balancers = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        String redisServer = binary("/usr/bin/redis-server", "redis-server");
        String nginx = binary("/usr/sbin/nginx", "nginx");
        String haproxy = binary("/usr/sbin/haproxy", "haproxy");
        work = Files.createTempDirectory("balancers");
        redisPort = freePort();
        redis = ForegroundProcess.start("redis-server", work, redisPort, redisServer, "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work.toString());
        Map<String, String> cluster = Map.of("hixie76.cluster", "redis://127.0.0.1:" + redisPort);
        CompletableFuture<Container> jetty = CompletableFuture.supplyAsync(() -> Container.node("jetty-ee10", cluster));
        CompletableFuture<Container> tomcat = CompletableFuture.supplyAsync(() -> Container.node("tomcat-11", cluster));
        for (CompletableFuture<Container> node : List.of(jetty, tomcat)) {
            try {
                nodes.add(node.get(3, TimeUnit.MINUTES));
            } catch (ExecutionException e) {
                throw new AssertionError("a node did not start: " + e.getCause().getMessage(), e.getCause());
            }
        }
        balancers.put("nginx", balancer("nginx", "nginx.conf", conf -> List.of(nginx, "-p", work + "/",
                "-e", work.resolve("nginx-error.log").toString(), "-c", conf.toString())));
        balancers.put("haproxy-tcp", balancer("haproxy-tcp", "haproxy-tcp.cfg",
                conf -> List.of(haproxy, "-db", "-f", conf.toString())));
        balancers.put("haproxy-http", balancer("haproxy-http", "haproxy-http.cfg",
                conf -> List.of(haproxy, "-db", "-f", conf.toString())));
    }

    @AfterAll
    void stopEverything() throws Exception {
        closeClients();
        List<Throwable> problems = new ArrayList<>();
        Stream.concat(balancers.values().stream(), Stream.ofNullable(redis)).forEach(daemon -> {
            try {
                daemon.close();
            } catch (Exception | Error e) {
                problems.add(e);
            }
        });
        for (Container node : nodes) {
            if (node.isAlive() && !node.stop(DEADLINE)) {
                problems.add(new AssertionError(node + " did not stop within " + DEADLINE.toSeconds() + " s"));
            }
        }
        if (work != null) {
            keepLogs();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        if (!problems.isEmpty()) {
            AssertionError error = new AssertionError("stopping the processes failed");
            problems.forEach(error::addSuppressed);
            throw error;
        }
    }

    /** The balancers' and redis-server's output and logs, kept in target/balancers for a failure's reader. */
    private void keepLogs() throws IOException {
        Path logs = Files.createDirectories(Path.of("target/balancers"));
        try (Stream<Path> files = Files.list(work)) {
            for (Path file : files.filter(path -> path.toString().matches(".*\\.(out|log|conf|cfg)")).toList()) {
                Files.copy(file, logs.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Each test starts with no session open on either node (the last test's clients all closed). */
    @BeforeEach
    void quiet() {
        for (Container node : liveNodes()) {
            Await.until(() -> node + " with no open session; its status: " + status(node), DEADLINE,
                    () -> figure(status(node), "echo", "openSessions") == 0
                            && figure(status(node), "chat", "openSessions") == 0);
        }
    }

    /** The test's clients go, whatever happened. */
    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // the node is gone, or the test broke the connection on purpose
            }
        }
        clients.clear();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nginx", "haproxy-tcp"})
    void hixie76ClientsLandOnBothNodesAndSeeTheBalancersLocation(String balancer) throws Exception {
        URI echo = uri(balancer, "/echo");
        assertTwoInARowLandOnBothNodes(balancer, "hixie-76", () -> {
            Member member = hixie76(balancer, "/echo");
            assertEquals(List.of(echo.toString()), ((Hixie76Member) member).client.responseHeaders()
                    .get("sec-websocket-location"), "the Location is the balancer's URL, the one the client opened");
            return member;
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nginx", "haproxy-tcp", "haproxy-http"})
    void rfc6455ClientsLandOnBothNodes(String balancer) throws Exception {
        assertTwoInARowLandOnBothNodes(balancer, "rfc6455", () -> rfc6455(balancer, "/echo"));
    }

    /**
     * Two clients opened in a row through the balancer land on both nodes and are echoed there;
     * each node's status then counts one {@code /echo} session of the protocol.
     */
    private void assertTwoInARowLandOnBothNodes(String balancer, String protocol, Opening opening) throws Exception {
        Set<String> landedOn = new TreeSet<>();
        for (int i = 0; i < 2; i++) {
            Member member = opening.open();
            landedOn.add(member.node().name());
            member.send("through " + balancer + " " + i);
            assertEquals("through " + balancer + " " + i, member.next(DEADLINE));
        }
        assertEquals(Set.of("jetty-ee10", "tomcat-11"), landedOn, "two clients in a row land on both nodes");
        for (Container node : nodes) {
            assertEquals(1, figure(status(node), "echo", "openSessionsByProtocol", protocol),
                    node + " shows the client that landed on it: " + status(node));
        }
    }

    private interface Opening {
        Member open() throws Exception;
    }

    /**
     * Four clients, two on each node, all hixie-76 or two of each protocol: every message reaches
     * every client once (the Redis bus joins the nodes' rooms).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"nginx, hixie-76", "haproxy-tcp, hixie-76", "nginx, both protocols", "haproxy-tcp, both protocols"})
    void chatReachesEveryClientOnBothNodesOnce(String balancer, String clients) throws Exception {
        List<Member> room = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // hixie-76, RFC 6455, RFC 6455, hixie-76: round robin puts each protocol on both nodes
            boolean rfc6455 = clients.equals("both protocols") && (i == 1 || i == 2);
            room.add(rfc6455 ? rfc6455(balancer, "/chat") : hixie76(balancer, "/chat"));
        }
        for (Class<?> kind : List.of(Hixie76Member.class, Rfc6455Member.class)) {
            long nodesOfKind = room.stream().filter(kind::isInstance).map(Member::node).distinct().count();
            assertTrue(nodesOfKind == 2 || room.stream().noneMatch(kind::isInstance),
                    kind.getSimpleName() + "s on both nodes: " + nodesOf(room));
        }
        assertEveryMessageReachesEveryMemberOnce(room);
    }

    /**
     * The request head, then key3 300 ms later on a raw socket, through nginx to each node:
     * nginx sends the head upstream without key3 and passes what follows only after the 101.
     */
    @Test
    void lateKey3PassesThroughNginxToBothNodes() throws Exception {
        Set<String> landedOn = new TreeSet<>();
        for (int i = 0; i < 2; i++) {
            Map<Container, Long> before = accepted("echo", "hixie-76");
            try (RawSocket raw = new RawSocket(balancers.get("nginx").port())) {
                raw.write(RawSocket.specRequest(ECHO));
                RawSocket.Head head = raw.readHead();
                assertEquals(101, head.status(), "the 101 headers come back through nginx before key3 is sent");
                assertEquals(List.of("ws://example.com" + ECHO), head.all("Sec-WebSocket-Location"),
                        "nginx passes the client's Host");
                // The delay is what is under test.
                Thread.sleep(300);
                raw.write(Draft.EXAMPLE.key3());
                assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
                raw.write(FrameEncoder.text("late").array());
                assertArrayEquals(FrameEncoder.text("late").array(), raw.readExactly(6));
                landedOn.add(landed(before, "echo", "hixie-76").name());
                raw.write(FrameEncoder.close().array());
                assertArrayEquals(FrameEncoder.close().array(), raw.readExactly(2));
            }
        }
        assertEquals(Set.of("jetty-ee10", "tomcat-11"), landedOn, "two handshakes in a row reach both nodes");
    }

    /**
     * HAProxy's HTTP/1 parser requires Sec-WebSocket-Key with Upgrade: websocket, so in
     * {@code mode http} it answers a hixie-76 handshake 400 itself; README sends hixie-76
     * through {@code mode tcp}. RFC 6455 through the same HAProxy: {@link #rfc6455ClientsLandOnBothNodes}.
     */
    @Test
    void haproxyInHttpModeRefusesHixie76With400Itself() throws Exception {
        Map<Container, String> before = new LinkedHashMap<>();
        for (Container node : nodes) {
            before.put(node, handshakes(node));
        }
        HandshakeException refused = Rejections.expectRejection(uri("haproxy-http", "/echo"), 400);
        assertTrue(refused.body().contains("<h1>400 Bad request</h1>"), "HAProxy's own error page: " + refused.body());
        for (Container node : nodes) {
            assertEquals(before.get(node), handshakes(node), "HAProxy answered without asking " + node);
        }
    }

    /**
     * Stopping the Tomcat node closes its sessions properly (hixie-76 {@code FF 00}, RFC 6455
     * 1001) through nginx, while the Jetty node's room goes on and new clients land there (nginx
     * tries the next server when a connect is refused).
     * Last: the node stays stopped.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void stoppingANodeClosesItsSessionsAndTheOtherNodesRoomGoesOn() throws Exception {
        Container stopped = node("tomcat-11");
        Container staying = node("jetty-ee10");
        List<Member> hixie76 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hixie76.add(hixie76("nginx", "/chat"));
        }
        List<Member> rfc6455 = new ArrayList<>();
        Exception rfc6455Failure = null;
        try {
            for (int i = 0; i < 2; i++) {
                rfc6455.add(rfc6455("nginx", "/chat"));
            }
        } catch (Exception | AssertionError e) {
            rfc6455Failure = new Exception("RFC 6455 clients could not join: " + e.getMessage(), e);
        }
        assertEquals(2, hixie76.stream().filter(member -> member.node() == stopped).count(),
                "round robin put two of the four hixie-76 clients on " + stopped);
        assertTrue(stopped.stop(Duration.ofSeconds(30)), stopped + " stopped within 30 s");
        Exception rfc6455Missing = rfc6455Failure;
        List<Member> remaining = Stream.concat(hixie76.stream(), rfc6455.stream())
                .filter(member -> member.node() == staying).toList();
        assertAll(
                () -> {
                    for (Member member : hixie76) {
                        if (member.node() == stopped) {
                            Hixie76Client client = ((Hixie76Member) member).client;
                            assertTrue(client.awaitClose(DEADLINE), "a hixie-76 client of the stopped node got FF 00");
                        }
                    }
                },
                () -> {
                    if (rfc6455Missing != null) {
                        throw rfc6455Missing;
                    }
                    assertEquals(1, rfc6455.stream().filter(member -> member.node() == stopped).count(),
                            "round robin put one of the two RFC 6455 clients on " + stopped);
                    for (Member member : rfc6455) {
                        if (member.node() == stopped) {
                            assertEquals(1001, ((Rfc6455Member) member).client.awaitClose(DEADLINE).code(),
                                    "an RFC 6455 client of the stopped node got 1001");
                        }
                    }
                },
                () -> {
                    // Two in a row: round robin sends one of them to the stopped node first.
                    List<Member> room = new ArrayList<>(remaining);
                    for (int i = 0; i < 2; i++) {
                        Member newcomer = hixie76("nginx", "/chat");
                        assertEquals(staying, newcomer.node(), "a new client lands on the node left");
                        room.add(newcomer);
                    }
                    assertEveryMessageReachesEveryMemberOnce(room);
                });
    }

    /**
     * Each member sends one message; each member receives every message once (in any order
     * across senders), then a last marker: nothing twice, nothing missing.
     */
    private void assertEveryMessageReachesEveryMemberOnce(List<Member> room) throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < room.size(); i++) {
            String text = "message " + i + " from " + room.get(i);
            sent.add(text);
            room.get(i).send(text);
        }
        String marker = "marker from " + room.get(0);
        ExecutorService readers = Executors.newFixedThreadPool(room.size());
        try {
            // Every member reads on a thread of its own, against one deadline for all.
            long deadline = System.nanoTime() + DELIVERY.toNanos();
            Map<Member, Future<List<String>>> first = new LinkedHashMap<>();
            for (Member member : room) {
                first.put(member, readers.submit(() -> receive(member, sent.size(), null, deadline)));
            }
            Map<Member, List<String>> received = new LinkedHashMap<>();
            for (Member member : room) {
                received.put(member, new ArrayList<>(first.get(member).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)));
            }
            room.get(0).send(marker);
            long markerDeadline = System.nanoTime() + DELIVERY.toNanos();
            Map<Member, Future<List<String>>> rest = new LinkedHashMap<>();
            for (Member member : room) {
                rest.put(member, readers.submit(() -> receive(member, Integer.MAX_VALUE, marker, markerDeadline)));
            }
            List<Executable> checks = new ArrayList<>();
            for (Member member : room) {
                List<String> messages = received.get(member);
                messages.addAll(rest.get(member).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
                boolean markerCame = messages.remove(marker);
                checks.add(() -> {
                    assertEquals(new TreeSet<>(sent).toString(), messages.stream().sorted().toList().toString(),
                            member + " received every message once (sent by members on " + nodesOf(room) + ")");
                    assertTrue(markerCame, member + " received the marker within " + DELIVERY.toMillis() + " ms");
                });
            }
            assertAll("chat across " + room.size() + " members on " + nodesOf(room) + " (Redis: "
                    + redisClients() + ")", checks);
        } finally {
            readers.shutdownNow();
        }
    }

    /** Messages until {@code count} came, or {@code last} came (included), or the deadline (System.nanoTime). */
    private static List<String> receive(Member member, int count, String last, long deadline) throws Exception {
        List<String> messages = new ArrayList<>();
        while (messages.size() < count && deadline - System.nanoTime() > 0) {
            String message = member.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (message == null) {
                break;
            }
            messages.add(message);
            if (message.equals(last)) {
                break;
            }
        }
        return messages;
    }

    private static String nodesOf(List<Member> room) {
        return room.stream().map(member -> member.node().name()).distinct().sorted().toList().toString();
    }

    /** A hixie-76 client through the balancer, and the node it landed on. */
    private Member hixie76(String balancer, String path) throws Exception {
        String endpoint = path.substring(1);
        Map<Container, Long> before = accepted(endpoint, "hixie-76");
        Hixie76Client client = Hixie76Client.connect(uri(balancer, path));
        clients.add(client);
        return new Hixie76Member(client, landed(before, endpoint, "hixie-76"), MEMBERS.incrementAndGet());
    }

    /** An RFC 6455 client (the JDK's) through the balancer, and the node it landed on. */
    private Member rfc6455(String balancer, String path) throws Exception {
        String endpoint = path.substring(1);
        Map<Container, Long> before = accepted(endpoint, "rfc6455");
        JdkWebSocketClient client = JdkWebSocketClient.connect(uri(balancer, path), null, DEADLINE);
        try {
            Rfc6455Member member = new Rfc6455Member(client, landed(before, endpoint, "rfc6455"), MEMBERS.incrementAndGet());
            clients.add(member);
            return member;
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /** The node whose count of accepted handshakes went up since {@code before}. */
    private Container landed(Map<Container, Long> before, String endpoint, String protocol) {
        return Await.value("a node counting the " + protocol + " handshake on /" + endpoint, DEADLINE,
                () -> liveNodes().stream().filter(node -> accepted(node, endpoint, protocol) > before.get(node))
                        .findFirst().orElse(null));
    }

    private Map<Container, Long> accepted(String endpoint, String protocol) {
        Map<Container, Long> counts = new LinkedHashMap<>();
        for (Container node : liveNodes()) {
            counts.put(node, accepted(node, endpoint, protocol));
        }
        return counts;
    }

    private long accepted(Container node, String endpoint, String protocol) {
        return figure(status(node), endpoint, "handshakesAcceptedByProtocol", protocol);
    }

    /** The echo endpoint's handshake counters of a node: accepted in all and rejected by reason. */
    private String handshakes(Container node) {
        String status = status(node);
        return figure(status, "echo", "handshakesAccepted") + " " + section(status, "echo", "handshakesRejected");
    }

    private List<Container> liveNodes() {
        return nodes.stream().filter(Container::isAlive).toList();
    }

    private Container node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst().orElseThrow();
    }

    private URI uri(String balancer, String path) {
        return URI.create("ws://127.0.0.1:" + balancers.get(balancer).port() + Container.CONTEXT_PATH + path);
    }

    /** The node's /status JSON, asked directly (not through a balancer). */
    private static String status(Container node) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(node.http("/status")).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(node + "'s /status answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(node + "'s /status: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A number of one endpoint in /status: {@code field}, or {@code field}'s entry {@code key}; 0 when absent. */
    private static long figure(String status, String endpoint, String field, String... key) {
        String text = key.length == 0 ? endpointJson(status, endpoint) : section(status, endpoint, field);
        String name = key.length == 0 ? field : key[0];
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\":(\\d+)").matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** The object {@code field} of one endpoint in /status, braces included. */
    private static String section(String status, String endpoint, String field) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\":(\\{[^}]*})").matcher(endpointJson(status, endpoint));
        if (!matcher.find()) {
            throw new AssertionError("no " + field + " for " + endpoint + " in " + status);
        }
        return matcher.group(1);
    }

    private static String endpointJson(String status, String endpoint) {
        int start = status.indexOf("{\"name\":\"" + endpoint + "\"");
        if (start < 0) {
            throw new AssertionError("no endpoint " + endpoint + " in " + status);
        }
        int end = status.indexOf("}}", start);
        return status.substring(start, end < 0 ? status.length() : end + 2);
    }

    /** Redis's count of connected clients (this query's included), for failure messages. */
    private String redisClients() {
        try (Socket socket = new Socket("127.0.0.1", redisPort)) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            socket.getOutputStream().write("INFO clients\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            String info = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            Matcher matcher = Pattern.compile("connected_clients:(\\d+)").matcher(info);
            return matcher.find() ? (Integer.parseInt(matcher.group(1)) - 1) + " clients connected to redis-server"
                    : "INFO clients: " + info;
        } catch (IOException e) {
            return "redis-server did not answer: " + e.getMessage();
        }
    }

    /** Starts a balancer from its configuration under src/test/balancers, ports filled in. */
    private ForegroundProcess balancer(String name, String configuration, Function<Path, List<String>> command)
            throws Exception {
        int port = freePort();
        String text = Files.readString(BALANCERS.resolve(configuration))
                .replace("@PORT@", Integer.toString(port))
                .replace("@NODE1@", Integer.toString(nodes.get(0).port()))
                .replace("@NODE2@", Integer.toString(nodes.get(1).port()));
        Path conf = work.resolve(configuration);
        Files.writeString(conf, text);
        return ForegroundProcess.start(name, work, port, command.apply(conf).toArray(String[]::new));
    }

    private static String binary(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            fail(path + " is missing: install Debian's " + debianPackage + " (apt-get install -y " + debianPackage + ")");
        }
        return path;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** A chat or echo member of either protocol, and the node it landed on. */
    private interface Member extends AutoCloseable {
        Container node();

        void send(String text) throws Exception;

        /** The next message, or null when none came within {@code timeout} (or the connection closed). */
        String next(Duration timeout) throws Exception;
    }

    private record Hixie76Member(Hixie76Client client, Container node, int number) implements Member {
        @Override
        public void send(String text) throws IOException {
            client.send(text);
        }

        @Override
        public String next(Duration timeout) throws IOException {
            try {
                return client.awaitMessage(timeout);
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
        }

        @Override
        public String toString() {
            return "hixie-76 client " + number + " on " + node;
        }
    }

    private record Rfc6455Member(JdkWebSocketClient client, Container node, int number) implements Member {
        @Override
        public void send(String text) throws IOException {
            client.send(text, DEADLINE);
        }

        @Override
        public String next(Duration timeout) {
            try {
                return client.awaitMessage(timeout);
            } catch (IOException e) {
                return null;
            }
        }

        /** The closing handshake (1000) when the connection is still open, then the end of it. */
        @Override
        public void close() {
            try {
                if (!client.isClosed()) {
                    client.sendClose(1000, "", DEADLINE);
                    client.awaitClose(DEADLINE);
                }
            } catch (IOException e) {
                // the node is gone already
            } finally {
                client.close();
            }
        }

        @Override
        public String toString() {
            return "RFC 6455 client " + number + " on " + node;
        }
    }
}
