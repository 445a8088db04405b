package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.EndpointConfig;
import io.github.hixie76.server.EndpointMetricsMXBean;
import io.github.hixie76.server.Hixie76Filter;
import io.github.hixie76.server.Hixie76Initializer;
import io.github.hixie76.server.Hixie76Servlet;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import io.github.hixie76.testing.Rejections;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.JMX;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Relays on the in-process harness: hixie-76 clients reach real {@code @ServerEndpoint}s of
 * Jetty's jakarta.websocket ({@link RelayBackend}) through relays declared every way (the
 * context-param, code, the filter on the backend's own URL), and chat with RFC 6455 clients
 * (the JDK's) connected to the backend directly. The backend opened before the 101, with the
 * client's headers; its refusals, absence and silence as 502 and 504; its close codes, binary
 * messages and failures as FF 00; the client's FF 00 and disappearance as 1000 and 1001; flow
 * control end to end; the application's stop.
 */
class RelayTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final int FLOW_OUTBOUND = 64 << 10;

    /** A listener that takes connections (the kernel's backlog) and never answers: for the connect timeout. */
    private static final ServerSocket SILENT = silentListener();
    /** An RFC 6455 server that accepts one handshake at a time and then never reads. */
    private static final StalledBackend STALLED = new StalledBackend();
    /** A port nothing listens on. */
    /** Sockets bound, never listening: their ports refuse connections (kept open for the JVM's life). */
    private static final List<Socket> REFUSING = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final int CLOSED_PORT = closedPort();

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.context("/", RelayTest::setUp);

    private static void setUp(ServletContextHandler context) {
        context.setInitParameter(Hixie76Initializer.RELAYS, "/legacy/chat=/chat, /legacy/strict=/strict,"
                + " /legacy/plain=/plain, /legacy/gone=ws://127.0.0.1:" + CLOSED_PORT + "/chat");
        context.addServletContainerInitializer(new Hixie76Initializer());
        context.addServletContainerInitializer((classes, servletContext) -> {
            Hixie76Servlet.register(servletContext, "/legacy/silent", "ws://127.0.0.1:" + SILENT.getLocalPort() + "/",
                    EndpointConfig.DEFAULTS, SHORT_CONNECT_TIMEOUT);
            Hixie76Servlet.register(servletContext, "/legacy/flow", "/chat", EndpointConfig.builder()
                    .maxOutboundBytes(FLOW_OUTBOUND).maxMessageSize(8 << 10).build());
            Hixie76Filter.register(servletContext, "/chat", Hixie76Filter.SAME_URL, EndpointConfig.DEFAULTS);
            Hixie76Servlet.register(servletContext, "/legacy/stalled", "ws://127.0.0.1:" + STALLED.port() + "/",
                    EndpointConfig.builder().maxOutboundBytes(FLOW_OUTBOUND).build());
        });
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.addEndpoint(RelayBackend.Chat.class);
            container.addEndpoint(RelayBackend.Plain.class);
            container.addEndpoint(RelayBackend.Strict.class);
        });
    }

    @BeforeEach
    void reset() {
        RelayBackend.reset();
    }

    @AfterEach
    void backendEmpty() {
        SERVER.afterEach(null); // the hixie-76 clients of this test, before the room is checked
        Await.until("the backend's room empty after the test", DEADLINE, RelayBackend.ROOM::isEmpty);
    }

    @AfterAll
    static void closeSilent() throws IOException {
        SILENT.close();
        STALLED.close();
    }

    // ---- traffic

    @Test
    void hixie76AndRfc6455ClientsChatThroughTheRelay() throws Exception {
        Hixie76Client legacy = SERVER.connect("/legacy/chat");
        try (JdkWebSocketClient modern = JdkWebSocketClient.connect(SERVER.uri("/chat"), null, DEADLINE)) {
            Await.until("both in the backend's room", DEADLINE, () -> RelayBackend.ROOM.size() == 2);
            for (int i = 0; i < 3; i++) {
                legacy.send("from hixie-76 #" + i);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("from hixie-76 #" + i, legacy.awaitMessage(DEADLINE));
                assertEquals("from hixie-76 #" + i, modern.awaitMessage(DEADLINE));
            }
            modern.send("from RFC 6455", DEADLINE);
            assertEquals("from RFC 6455", legacy.awaitMessage(DEADLINE));
            assertEquals("from RFC 6455", modern.awaitMessage(DEADLINE));
            legacy.send("é ✓ 𝄞");
            assertEquals("é ✓ 𝄞", modern.awaitMessage(DEADLINE));
        }
    }

    @Test
    void theFilterRelaysHixie76OnTheApplicationsOwnUrlAndPassesRfc6455On() throws Exception {
        Hixie76Client legacy = SERVER.connect("/chat");
        try (JdkWebSocketClient modern = JdkWebSocketClient.connect(SERVER.uri("/chat"), null, DEADLINE)) {
            Await.until("both in the backend's room", DEADLINE, () -> RelayBackend.ROOM.size() == 2);
            legacy.send("same URL, either protocol");
            assertEquals("same URL, either protocol", modern.awaitMessage(DEADLINE));
            assertEquals("same URL, either protocol", legacy.awaitMessage(DEADLINE));
        }
        assertEquals(2, RelayBackend.HANDSHAKES.size(), "both reached the backend as RFC 6455 handshakes");
    }

    @Test
    void theBackendSeesTheClientsHeadersAndAddressAndItsSubprotocolGoesBack() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest("/legacy/chat?room=1").replace("\r\n\r\n",
                    "\r\nCookie: a=1\r\nCookie: b=2\r\nAuthorization: Basic dXNlcjpwdw==\r\nUser-Agent: legacy/1.0\r\n"
                            + "X-Forwarded-For: 10.0.0.1\r\n\r\n")));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("sample"), head.all("sec-websocket-protocol"));
            assertEquals(List.of("ws://example.com/legacy/chat?room=1"), head.all("sec-websocket-location"));
            Map<String, List<String>> seen = RelayBackend.HANDSHAKES.poll();
            assertTrue(seen != null, "the backend was connected before the 101");
            assertEquals("http://example.com", first(seen, "Origin"));
            assertEquals("a=1; b=2", first(seen, "Cookie"));
            assertEquals("Basic dXNlcjpwdw==", first(seen, "Authorization"));
            assertTrue(first(seen, "User-Agent").startsWith("legacy/1.0"), first(seen, "User-Agent"));
            assertEquals("10.0.0.1, 127.0.0.1", first(seen, "X-Forwarded-For"));
            assertEquals("http", first(seen, "X-Forwarded-Proto"));
            assertEquals("example.com", first(seen, "X-Forwarded-Host"));
            assertEquals("for=127.0.0.1;proto=http;host=\"example.com\"", first(seen, "Forwarded"));
            assertEquals("sample", first(seen, "Sec-WebSocket-Protocol"));
            assertEquals(SERVER.port() + "", first(seen, "Host").replaceAll(".*:", ""), "the same connector");
        }
    }

    // ---- refusals before any upgrade

    @Test
    void aBackendRefusalIs502NamingItsStatus() throws Exception {
        HandshakeException refused = Rejections.expectRejection(SERVER.uri("/legacy/strict"), 502);
        assertTrue(refused.body().contains("refused the WebSocket handshake with 403"), refused.body());
    }

    @Test
    void anUnreachableBackendIs502() throws Exception {
        HandshakeException refused = Rejections.expectRejection(SERVER.uri("/legacy/gone"), 502);
        assertTrue(refused.body().contains("unreachable"), refused.body());
    }

    @Test
    void aSilentBackendIs504AfterTheConnectTimeout() throws Exception {
        long start = System.nanoTime();
        HandshakeException refused = Rejections.expectRejection(SERVER.uri("/legacy/silent"), 504);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(refused.body().contains("within 500 ms"), refused.body());
        assertTrue(millis >= SHORT_CONNECT_TIMEOUT.toMillis() && millis < 5_000, "refused after " + millis + " ms");
    }

    @Test
    void aBackendThatAgreesNoSubprotocolWhenOneWasAskedIs502() throws Exception {
        HandshakeException refused = Rejections.expectRejection(SERVER.uri("/legacy/plain"),
                Hixie76Client.Options.defaults().subprotocol("sample"), 502);
        assertTrue(refused.body().contains("no subprotocol 'sample'"), refused.body());
        SERVER.connect("/legacy/plain").send("without one it is fine");
    }

    @Test
    void backendFailuresAreCountedByReason() throws Exception {
        EndpointMetricsMXBean gone = metrics("/legacy/gone");
        long before = gone.getHandshakesRejected().getOrDefault("backend-unreachable", 0L);
        Rejections.expectRejection(SERVER.uri("/legacy/gone"), 502);
        assertEquals(before + 1, gone.getHandshakesRejected().get("backend-unreachable"));

        EndpointMetricsMXBean chat = metrics("/legacy/chat");
        long in = chat.getMessagesIn();
        long out = chat.getMessagesOut();
        Hixie76Client client = SERVER.connect("/legacy/chat");
        client.send("counted");
        assertEquals("counted", client.awaitMessage(DEADLINE));
        assertEquals(1, chat.getOpenSessions());
        assertEquals(in + 1, chat.getMessagesIn());
        Await.until("the message out counted", DEADLINE, () -> chat.getMessagesOut() == out + 1);
    }

    // ---- closing

    @Test
    void theBackendsCloseReachesTheClientAsFf00ThenTheEnd() throws Exception {
        Hixie76Client client = SERVER.connect("/legacy/chat");
        client.send("close 1011");
        assertNull(client.awaitMessage(DEADLINE));
        assertTrue(client.awaitClose(DEADLINE), "FF 00 before the end of the stream");
        assertTrue(client.awaitEnd());
        assertEquals(1011, RelayBackend.CLOSES.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aBinaryMessageClosesTheBackendWith1008AndTheClientWithFf00() throws Exception {
        Hixie76Client client = SERVER.connect("/legacy/chat");
        client.send("binary");
        assertTrue(client.awaitClose(DEADLINE), "FF 00");
        // 1008, as RFC 6455 §7.4.1 allows where 1003 fits: the JDK's client refuses to send 1003
        assertEquals(1008, RelayBackend.CLOSES.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(metrics("/legacy/chat").getConnectionsDropped().getOrDefault("backend-binary", 0L) >= 1);
    }

    @Test
    void theClientsFf00ClosesTheBackendWith1000() throws Exception {
        Hixie76Client client = SERVER.connect("/legacy/chat");
        Await.until("the backend session", DEADLINE, () -> RelayBackend.ROOM.size() == 1);
        client.close();
        assertEquals(1000, RelayBackend.CLOSES.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aClientGoneWithoutFf00ClosesTheBackendWith1001() throws Exception {
        RawSocket raw = RawSocket.opened(SERVER.port(), "/legacy/chat");
        Await.until("the backend session", DEADLINE, () -> RelayBackend.ROOM.size() == 1);
        raw.close();
        assertEquals(1001, RelayBackend.CLOSES.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    // ---- flow control

    @Test
    void aClientThatDoesNotReadHoldsTheBackendBackInsteadOfOverflowing() throws Exception {
        int count = 4000;
        int size = 4096; // 16 MB in all, against 64 KiB of outbound queue
        Hixie76Client client = SERVER.connect("/legacy/flow");
        client.send("flood " + count + " " + size);
        Await.until(() -> "the backend held back by the relay (sent " + RelayBackend.FLOODED.get() + ")", DEADLINE,
                () -> RelayBackend.flood != null && RelayBackend.FLOODED.get() < count
                        && RelayBackend.flood.getState() != Thread.State.RUNNABLE
                        && RelayBackend.flood.getState() != Thread.State.TERMINATED);
        for (int i = 0; i < count; i++) {
            String message = client.awaitMessage(DEADLINE);
            assertTrue(message != null && message.startsWith(i + ":"), "message " + i + " in order, got "
                    + (message == null ? "the end" : message.substring(0, Math.min(12, message.length()))));
            assertEquals(size, message.length());
        }
        assertEquals(Map.of(), metrics("/legacy/flow").getConnectionsDropped());
        assertFalse(client.closeReceived());
    }

    @Test
    void aBackendThatDoesNotReadEndsBothOnceItsQueueIsFull() throws Exception {
        EndpointMetricsMXBean stalled = metrics("/legacy/stalled");
        Hixie76Client client = SERVER.connect("/legacy/stalled");
        String message = "m".repeat(8 << 10);
        boolean closed = false;
        // 64 MiB at most: more than the backend's socket buffers and the 64 KiB queue together
        for (int i = 0; i < 8 << 10 && !closed; i++) {
            try {
                client.send(message);
            } catch (IOException e) {
                closed = true; // the relay closed the connection while this client was still sending
            }
            closed = closed || stalled.getConnectionsDropped().containsKey("backend-queue");
        }
        Await.until("the backend-queue drop counted", DEADLINE,
                () -> stalled.getConnectionsDropped().getOrDefault("backend-queue", 0L) == 1L);
        Await.until("the client's connection ended", DEADLINE, () -> stalled.getConnections() == 0);
        Await.until("the stalled backend's connection aborted", DEADLINE, STALLED::peerGone);
    }

    // ---- the application's stop

    @Test
    void stoppingTheApplicationClosesBothSides() throws Exception {
        JettyServer relays = JettyServer.context("/", context -> context.addServletContainerInitializer((classes,
                servletContext) -> Hixie76Servlet.register(servletContext, "/remote", SERVER.uri("/chat").toString(),
                        EndpointConfig.DEFAULTS)));
        relays.beforeAll(null);
        try {
            Hixie76Client client = relays.connect(relays.uri("/remote"), Hixie76Client.Options.defaults());
            Await.until("the backend session", DEADLINE, () -> RelayBackend.ROOM.size() == 1);
            relays.server().getHandler().stop();
            assertTrue(client.awaitClose(DEADLINE), "FF 00 to the client");
            assertEquals(1001, RelayBackend.CLOSES.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            relays.afterAll(null);
        }
    }

    private static EndpointMetricsMXBean metrics(String path) throws Exception {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), new ObjectName(
                "io.github.hixie76:type=Endpoint,context=\"/\",name=" + ObjectName.quote("hixie76:" + path)),
                EndpointMetricsMXBean.class);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        assertTrue(values != null && !values.isEmpty(), name + " not forwarded; got " + headers.keySet());
        return String.join(", ", values);
    }

    /**
     * Answers one RFC 6455 opening handshake (RFC 6455 §4.2.2) and then reads nothing: what the
     * relay sends piles up in its queue. Knows when the relay has gone.
     */
    private static final class StalledBackend implements AutoCloseable {
        private final ServerSocket listener = silentListener();
        private volatile java.net.Socket accepted;

        StalledBackend() {
            Thread thread = new Thread(this::serve, "stalled-backend");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve() {
            try {
                while (true) {
                    java.net.Socket socket = listener.accept();
                    accepted = socket;
                    java.io.InputStream in = socket.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.append((char) b);
                    }
                    java.util.regex.Matcher key = java.util.regex.Pattern
                            .compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)").matcher(head);
                    if (!key.find()) {
                        socket.close();
                        continue;
                    }
                    byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(
                            (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                            + java.util.Base64.getEncoder().encodeToString(digest) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                // closed after the tests
            }
        }

        /** Whether the relay closed (or reset) the last connection: a read now sees its end, the stalled bytes drained. */
        boolean peerGone() {
            java.net.Socket socket = accepted;
            if (socket == null) {
                return false;
            }
            try {
                socket.setSoTimeout(1);
                byte[] buffer = new byte[1 << 16];
                while (socket.getInputStream().read(buffer) >= 0) {
                    // drain what the relay sent before it went
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    private static ServerSocket silentListener() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A loopback port that refuses connections for as long as the tests run: bound by a socket
     * that never listens, so no server started meanwhile can take it (a port closed after
     * binding could be handed to the next server that asks for a free one).
     */
    private static int closedPort() {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            REFUSING.add(socket);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
