package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Handshake;
import io.github.hixie76.api.Session;
import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.EndpointMetricsMXBean;
import io.github.hixie76.server.Hixie76Filter;
import io.github.hixie76.server.Hixie76Servlet;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Echo;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.JdkWebSocketClient.Refused;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Rejections;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.management.JMX;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 6455 clients on the same endpoints as hixie-76 ones, through Jetty's own
 * {@code jakarta.websocket}: the JDK's {@link java.net.http.WebSocket} (a client nobody here
 * wrote) against the harness's endpoints mode, beside this project's hixie-76 client. Echo at
 * the size limit and past it, close codes both ways, one room for both protocols, the policies
 * checked before either upgrade (origin, subprotocol, the connection limit shared across
 * protocols, the protocols served), the handshake a session sees, the idle timeout, stopping
 * the application, the metrics by protocol, and the filter's choice of what it takes over.
 */
class Rfc6455Test {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int MAX_MESSAGE_SIZE = 1 << 20;
    /** The RFC 6455 peers of the running test, aborted after it. */
    private static final List<JdkWebSocketClient> OPEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/echo", Recording.class, "/room", Room.class),
            Map.of());

    @RegisterExtension
    static final JettyServer GUARDED = JettyServer.endpoints(Map.of("/guarded", Recording.class),
            Map.of("allowedOrigins", "http://good.example", "subprotocols", "a,b"));

    @RegisterExtension
    static final JettyServer CAPPED = JettyServer.endpoints(Map.of("/capped", Recording.class),
            Map.of("maxConnections", "2"));

    @RegisterExtension
    static final JettyServer FLOODED = JettyServer.endpoints(Map.of("/flood", Flood.class),
            Map.of("maxOutboundBytes", "65536"));

    /** Sends 4,096 messages of 8 KiB (32 MiB) on open: more than socket buffers hold when the peer does not read. */
    public static class Flood extends Recording {
        static final int MESSAGES = 4096;
        static final List<CompletableFuture<Void>> SENT = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen(Session session) {
            super.onOpen(session);
            String message = "x".repeat(8192);
            for (int i = 0; i < MESSAGES; i++) {
                SENT.add(session.send(message).toCompletableFuture());
            }
        }
    }

    /** Echo that remembers its sessions and counts each one's onClose. */
    public static class Recording extends Echo {
        static final BlockingQueue<Session> OPENED = new LinkedBlockingQueue<>();
        static final Map<Session, AtomicInteger> CLOSES = new ConcurrentHashMap<>();

        @Override
        public void onOpen(Session session) {
            OPENED.add(session);
        }

        @Override
        public void onClose(Session session) {
            CLOSES.computeIfAbsent(session, s -> new AtomicInteger()).incrementAndGet();
        }

        static Session next() throws InterruptedException {
            Session session = OPENED.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(session != null, "the endpoint's onOpen within " + DEADLINE);
            return session;
        }

        static int closes(Session session) {
            AtomicInteger count = CLOSES.get(session);
            return count == null ? 0 : count.get();
        }
    }

    /** Sends every message to every open session of the room, the sender included. */
    public static class Room extends Recording {
        @Override
        public void onMessage(Session session, String text) {
            session.broadcast(text);
        }
    }

    @BeforeEach
    void forgetSessions() {
        Recording.OPENED.clear();
        Recording.CLOSES.clear();
    }

    @AfterEach
    void dropPeers() {
        for (JdkWebSocketClient peer : OPEN) {
            OPEN.remove(peer);
            peer.close();
        }
    }

    private static JdkWebSocketClient open(URI uri) throws IOException {
        return open(uri, b -> b);
    }

    private static JdkWebSocketClient open(URI uri, UnaryOperator<WebSocket.Builder> options) throws IOException {
        return open(uri, options, false);
    }

    /** {@code paused}: the peer asks for no message until the test calls {@code request}. */
    private static JdkWebSocketClient open(URI uri, UnaryOperator<WebSocket.Builder> options, boolean paused)
            throws IOException {
        JdkWebSocketClient peer = JdkWebSocketClient.connect(uri, DEADLINE, paused, options);
        OPEN.add(peer);
        return peer;
    }

    /** The reason (the body, stripped) of a handshake that must be answered with {@code status}, not upgraded. */
    private static String refusedWith(int status, URI uri, UnaryOperator<WebSocket.Builder> options) {
        Refused refused = assertThrows(Refused.class, () -> open(uri, options), "the handshake must be refused");
        assertEquals(status, refused.status(), refused.getMessage());
        return refused.body().strip();
    }

    // ---- the outbound bound

    @Test
    void aPeerThatStopsReadingIsClosed1008PastMaxOutboundBytesAndPendingSendsFail() throws Exception {
        Flood.SENT.clear();
        JdkWebSocketClient peer = open(FLOODED.uri("/flood"), b -> b, true);
        Session session = Recording.next();
        Await.until("the session closed past its outbound bound", () -> !session.isOpen()
                && Flood.SENT.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
        // what the socket buffers hold, then the close: 1008
        peer.request(Long.MAX_VALUE);
        assertEquals(1008, peer.awaitClose(DEADLINE).code());
        Await.until("every send settled", () -> Flood.SENT.size() == Flood.MESSAGES
                && Flood.SENT.stream().allMatch(CompletableFuture::isDone));
        long failed = Flood.SENT.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertTrue(failed > 0 && failed < Flood.MESSAGES, failed + " of " + Flood.MESSAGES + " sends failed");
        Await.until("the endpoint's onClose", () -> Recording.closes(session) == 1);
    }

    // ---- echo

    @Test
    void echoesAscii() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        peer.send("hello over RFC 6455", DEADLINE);
        assertEquals("hello over RFC 6455", peer.awaitMessage(DEADLINE));
    }

    @Test
    void echoesFourByteUtf8() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        peer.send("\uD834\uDD1E\uD83D\uDE00", DEADLINE);
        assertEquals("𝄞😀", peer.awaitMessage(DEADLINE));
    }

    @Test
    void echoesAMessageOfExactlyTheDefaultMaxMessageSize() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        String text = "x".repeat(MAX_MESSAGE_SIZE);
        peer.send(text, DEADLINE);
        String echoed = peer.awaitMessage(DEADLINE);
        assertEquals(MAX_MESSAGE_SIZE, echoed.length());
        assertEquals(text, echoed);
    }

    // ---- closing

    @Test
    void aClientsClose1000IsAnsweredWith1000AndOnCloseRunsOnce() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        Session session = Recording.next();
        peer.sendClose(WebSocket.NORMAL_CLOSURE, "bye", DEADLINE);
        assertEquals(WebSocket.NORMAL_CLOSURE, peer.awaitClose(DEADLINE).code());
        Await.until("the endpoint's onClose", () -> Recording.closes(session) > 0);
        assertEquals(1, Recording.closes(session));
        assertTrue(!session.isOpen(), "the session is no longer open");
    }

    @Test
    void theEndpointsCloseReachesTheClientAs1000() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        Session session = Recording.next();
        peer.send(Echo.CLOSE, DEADLINE);
        assertEquals(WebSocket.NORMAL_CLOSURE, peer.awaitClose(DEADLINE).code());
        Await.until("the endpoint's onClose", () -> Recording.closes(session) > 0);
        assertEquals(1, Recording.closes(session));
    }

    @Test
    void aTextMessageOverMaxMessageSizeCloses1009() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        Session session = Recording.next();
        peer.send("x".repeat(MAX_MESSAGE_SIZE + 1), DEADLINE);
        assertEquals(1009, peer.awaitClose(DEADLINE).code());
        Await.until("the endpoint's onClose", () -> Recording.closes(session) == 1);
    }

    @Test
    void aBinaryMessageCloses1003() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        Session session = Recording.next();
        peer.sendBinary(new byte[] {1, 2, 3}, DEADLINE);
        assertEquals(1003, peer.awaitClose(DEADLINE).code());
        Await.until("the endpoint's onClose", () -> Recording.closes(session) == 1);
    }

    // ---- one room, both protocols

    @Test
    void everyMessageOfARoomReachesEveryMemberOfEitherProtocolOnce() throws Exception {
        List<Hixie76Client> hixie = List.of(SERVER.connect("/room"), SERVER.connect("/room"));
        List<JdkWebSocketClient> rfc = List.of(open(SERVER.uri("/room")), open(SERVER.uri("/room")));
        for (int i = 0; i < 4; i++) {
            Recording.next(); // every member is in the room before anyone speaks
        }
        for (int i = 0; i < hixie.size(); i++) {
            hixie.get(i).send("hixie-" + i);
        }
        for (int i = 0; i < rfc.size(); i++) {
            rfc.get(i).send("rfc-" + i, DEADLINE);
        }
        List<String> sent = List.of("hixie-0", "hixie-1", "rfc-0", "rfc-1");
        Map<String, Receiver> receivers = Map.of("hixie receiver 0", hixie.get(0)::awaitMessage,
                "hixie receiver 1", hixie.get(1)::awaitMessage, "rfc receiver 0", rfc.get(0)::awaitMessage,
                "rfc receiver 1", rfc.get(1)::awaitMessage);
        Map<String, List<String>> received = new HashMap<>();
        for (Map.Entry<String, Receiver> receiver : receivers.entrySet()) {
            List<String> got = new ArrayList<>();
            for (int n = 0; n < sent.size(); n++) {
                got.add(receiver.getValue().awaitMessage(DEADLINE));
            }
            assertThrows(SocketTimeoutException.class, () -> receiver.getValue().awaitMessage(Duration.ofMillis(300)),
                    "nothing after the four messages");
            received.put(receiver.getKey(), got.stream().sorted().toList());
        }
        assertEquals(Map.of("hixie receiver 0", sent, "hixie receiver 1", sent, "rfc receiver 0", sent,
                "rfc receiver 1", sent), received);
    }

    // ---- checks before the upgrade

    @Test
    void anOriginOutsideTheAllowListIs403() throws Exception {
        assertEquals("origin 'http://evil.example' is not allowed here",
                refusedWith(403, GUARDED.uri("/guarded"), b -> b.header("Origin", "http://evil.example")));
    }

    @Test
    void noOriginIs403WhereAnAllowListIsSet() throws Exception {
        refusedWith(403, GUARDED.uri("/guarded"), b -> b);
    }

    @Test
    void theAgreedSubprotocolIsTheFirstOfferedThatIsServed() throws Exception {
        JdkWebSocketClient peer = open(GUARDED.uri("/guarded?room=1"),
                b -> b.header("Origin", "http://good.example").subprotocols("x", "b"));
        assertEquals("b", peer.subprotocol());
        Handshake handshake = Recording.next().handshake();
        assertEquals(Handshake.RFC_6455, handshake.protocol());
        assertEquals("http://good.example", handshake.origin());
        assertEquals("b", handshake.subprotocol());
        assertEquals(GUARDED.uri("/guarded?room=1"), handshake.uri());
        assertEquals("x, b", handshake.header("Sec-WebSocket-Protocol"));
    }

    @Test
    void noServedSubprotocolOfferedIs400() throws Exception {
        assertEquals("subprotocol 'x' is not served here; try one of [a, b]",
                refusedWith(400, GUARDED.uri("/guarded"), b -> b.header("Origin", "http://good.example").subprotocols("x")));
    }

    @Test
    void theConnectionLimitCountsBothProtocols() throws Exception {
        CAPPED.connect("/capped");
        open(CAPPED.uri("/capped"));
        Recording.next();
        Recording.next();
        assertEquals("this endpoint is at its limit of 2 connections; try again later",
                refusedWith(503, CAPPED.uri("/capped"), b -> b));
        Rejections.expectRejection(CAPPED.uri("/capped"), 503);
    }

    @Test
    void anEndpointServingOnlyHixie76Refuses6455With400NamingIt() throws Exception {
        JettyServer.endpoints(Map.of("/old", Recording.class), Map.of("protocols", "hixie-76")).runWith(server -> {
            assertEquals("RFC 6455 is not served here; this endpoint serves hixie-76",
                    refusedWith(400, server.uri("/old"), b -> b));
            server.connect("/old").send("still hixie-76");
        });
    }

    @Test
    void anEndpointServingOnly6455RefusesHixie76With400NamingIt() throws Exception {
        JettyServer.endpoints(Map.of("/new", Recording.class), Map.of("protocols", "rfc6455")).runWith(server -> {
            HandshakeException refused = Rejections.expectRejection(server.uri("/new"), 400);
            assertEquals("hixie-76 is not served here; this endpoint serves rfc6455", refused.body().strip());
            JdkWebSocketClient peer = open(server.uri("/new"));
            peer.send("rfc only", DEADLINE);
            assertEquals("rfc only", peer.awaitMessage(DEADLINE));
        });
    }

    @Test
    void withoutTheContainersWebSocketRfc6455Gets400NamingWhatToEnable() throws Exception {
        custom("/", false, context -> {
            ServletHolder holder = new ServletHolder("bare", Hixie76Servlet.class);
            holder.setInitParameter("endpoint", Recording.class.getName());
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/bare");
        }).runWith(server -> {
            String reason = refusedWith(400, server.uri("/bare"), b -> b);
            assertTrue(reason.startsWith("RFC 6455 is not available on this server: enable the container's WebSocket"
                    + " support") && reason.contains("jetty-ee10-websocket-jakarta-server")
                    && reason.endsWith("hixie-76 is served here"), reason);
            server.connect("/bare").send("hixie-76 still");
        });
    }

    // ---- the session

    @Test
    void sessionsSayWhichProtocolTheySpeak() throws Exception {
        SERVER.connect("/echo");
        Session hixie = Recording.next();
        open(SERVER.uri("/echo"));
        Session rfc = Recording.next();
        assertEquals(Handshake.HIXIE_76, hixie.handshake().protocol());
        assertEquals(Handshake.RFC_6455, rfc.handshake().protocol());
        assertEquals(SERVER.uri("/echo"), rfc.handshake().uri());
        assertNull(rfc.handshake().origin(), "the JDK's client sends no Origin");
        assertNull(rfc.handshake().subprotocol());
        assertEquals("13", rfc.handshake().header("Sec-WebSocket-Version"));
    }

    @Test
    void sendFuturesCompleteForRfc6455Sessions() throws Exception {
        JdkWebSocketClient peer = open(SERVER.uri("/echo"));
        Session session = Recording.next();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sends.add(session.send("pushed " + i).toCompletableFuture());
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100; i++) {
            assertEquals("pushed " + i, peer.awaitMessage(DEADLINE));
        }
        session.close();
        assertEquals(WebSocket.NORMAL_CLOSURE, peer.awaitClose(DEADLINE).code());
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> session.send("after close").toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause());
    }

    @Test
    void theContainerClosesAnIdleSessionAfterIdleTimeoutMs() throws Exception {
        JettyServer.endpoints(Map.of("/idle", Recording.class), Map.of("idleTimeoutMs", "300")).runWith(server -> {
            JdkWebSocketClient peer = open(server.uri("/idle"));
            Session session = Recording.next();
            // Jetty ends an idle session with 1001 ("Connection Idle Timeout")
            assertEquals(WebSocket.NORMAL_CLOSURE + 1, peer.awaitClose(DEADLINE).code());
            Await.until("the endpoint's onClose", () -> Recording.closes(session) == 1);
        });
    }

    @Test
    void stoppingTheApplicationCloses6455SessionsWith1001() throws Exception {
        JettyServer.endpoints(Map.of("/stopping", Recording.class), Map.of()).runWith(server -> {
            List<JdkWebSocketClient> peers = new ArrayList<>();
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                peers.add(open(server.uri("/stopping")));
                sessions.add(Recording.next());
            }
            server.server().getHandler().stop(); // the application, while the server runs on
            for (JdkWebSocketClient peer : peers) {
                assertEquals(1001, peer.awaitClose(DEADLINE).code());
            }
            assertOnCloseOnce(sessions);
        });
    }

    @Test
    void stoppingTheServerEndsEverySessionWithOneOnClose() throws Exception {
        JettyServer server = JettyServer.endpoints(Map.of("/stopping", Recording.class), Map.of());
        server.beforeAll(null);
        List<JdkWebSocketClient> peers = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                peers.add(open(server.uri("/stopping")));
                sessions.add(Recording.next());
            }
        } finally {
            server.afterAll(null);
        }
        // Jetty closes its connectors before it stops the context: no close frame reaches the
        // client, which reports 1006 (RFC 6455 §7.1.5, closed abnormally)
        for (JdkWebSocketClient peer : peers) {
            assertEquals(1006, peer.awaitClose(DEADLINE).code());
        }
        assertOnCloseOnce(sessions);
    }

    /** Either protocol's client: the next message, or {@link SocketTimeoutException} when none came in time. */
    private interface Receiver {
        String awaitMessage(Duration wait) throws IOException;
    }

    private static void assertOnCloseOnce(List<Session> sessions) {
        for (Session session : sessions) {
            Await.until("the endpoint's onClose", () -> Recording.closes(session) > 0);
            assertEquals(1, Recording.closes(session), "onClose once");
        }
    }

    // ---- metrics

    @Test
    void metricsCountHandshakesAndOpenSessionsByProtocol() throws Exception {
        custom("/metered", context -> {
            ServletHolder holder = new ServletHolder("metered", Hixie76Servlet.class);
            holder.setInitParameter("endpoint", Recording.class.getName());
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/ws");
        }).runWith(server -> {
            EndpointMetricsMXBean metrics = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                    new ObjectName("io.github.hixie76:type=Endpoint,context=\"/metered\",name=\"metered\""),
                    EndpointMetricsMXBean.class);
            server.connect("/metered/ws");
            JdkWebSocketClient peer = open(server.uri("/metered/ws"));
            Recording.next();
            Session rfc6455 = Recording.next();
            assertEquals(Map.of("hixie-76", 1L, "rfc6455", 1L), metrics.getHandshakesAcceptedByProtocol());
            assertEquals(2L, metrics.getHandshakesAccepted());
            assertEquals(Map.of("hixie-76", 1, "rfc6455", 1), metrics.getOpenSessionsByProtocol());
            assertEquals(2, metrics.getOpenSessions());

            // a limit the container applies is counted as the engine counts its own
            peer.send("x".repeat(MAX_MESSAGE_SIZE + 1), DEADLINE);
            assertEquals(1009, peer.awaitClose(DEADLINE).code());
            Await.until("the endpoint's onClose", () -> Recording.closes(rfc6455) == 1);
            assertEquals(Map.of("message-size", 1L), metrics.getConnectionsDropped());
            assertEquals(Map.of("hixie-76", 1), metrics.getOpenSessionsByProtocol());
        });
    }

    // ---- the filter

    @Test
    void theFilterPassesRfc6455DownTheChainByDefault() throws Exception {
        filtered(Map.of()).runWith(server -> {
            assertEquals("app",
                    refusedWith(200, server.uri("/app/page"), b -> b));
            server.connect("/app/page").send("hixie-76 is taken over");
        });
    }

    @Test
    void theFilterTakesRfc6455OverWhenItsProtocolsNameIt() throws Exception {
        filtered(Map.of("protocols", "hixie-76,rfc6455")).runWith(server -> {
            JdkWebSocketClient peer = open(server.uri("/app/page"));
            peer.send("taken over", DEADLINE);
            assertEquals("taken over", peer.awaitMessage(DEADLINE));
            assertEquals(Handshake.RFC_6455, Recording.next().handshake().protocol());
        });
    }

    /** The application's servlet behind the filter: 200 "app" for every request. */
    public static class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().println("app");
        }
    }

    private static JettyServer filtered(Map<String, String> params) {
        return custom("/", context -> {
            context.addServlet(AppServlet.class, "/app/*");
            FilterHolder filter = new FilterHolder(Hixie76Filter.class);
            filter.setName("filtered");
            filter.setInitParameters(new HashMap<>(params));
            filter.setInitParameter("endpoint", Recording.class.getName());
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/app/*", java.util.EnumSet.of(DispatcherType.REQUEST));
        });
    }

    /** A context (with Jetty's jakarta.websocket unless told otherwise) set up by the test, on a free loopback port. */
    private static JettyServer custom(String contextPath, Consumer<ServletContextHandler> setup) {
        return custom(contextPath, true, setup);
    }

    private static JettyServer custom(String contextPath, boolean jakartaWebSocket,
            Consumer<ServletContextHandler> setup) {
        return JettyServer.context(contextPath, context -> {
            setup.accept(context);
            if (jakartaWebSocket) {
                JakartaWebSocketServletContainerInitializer.configure(context, null);
            }
        });
    }
}
