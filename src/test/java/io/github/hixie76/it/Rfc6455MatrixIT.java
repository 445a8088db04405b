package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.FixtureApp;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.Opened;
import io.github.hixie76.testing.JdkWebSocketClient.Close;
import io.github.hixie76.testing.Rejections;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * RFC 6455 on every container of the matrix, through the container's own jakarta.websocket,
 * with the JDK's {@code java.net.http.WebSocket} as the client, next to hixie-76 clients on the
 * same endpoints: the packaged WAR's /echo and /chat, and the existing application's fixture
 * endpoints (/guarded: an origin allow-list and a connection cap of 2, "bye" closes from the
 * server; /impatient: 1 s idle timeout).
 *
 * <p>What the containers do, as observed and asserted here (Jetty 12.1.14 ee10 and ee11,
 * Tomcat 11.0.27 and 10.1.61, each with its jakarta.websocket on the container classpath):
 * <ul>
 * <li>Closing handshake: the client's 1000 "done" is answered with 1000 "done" on all four (both
 *     repeat the client's reason); the server's {@code Session.close()} sends 1000 with an empty
 *     reason on all four. hixie-76 on the same endpoints: FF 00 both ways.
 * <li>A text message over {@code maxMessageSize} (1 MiB by default; exactly 1 MiB is echoed
 *     everywhere): 1009 on all four. Jetty: "Text message too large: 1,048,577 > 1,048,576"
 *     (numbers in the JVM's locale); Tomcat: "The decoded text message was too big for the
 *     output buffer and the endpoint does not support partial messages".
 * <li>The limit's unit differs: Jetty counts UTF-8 bytes, Tomcat UTF-16 chars (it sizes the
 *     CharBuffer it decodes into), so 262,145 four-byte characters (1 MiB + 4 bytes, 524,290
 *     chars) close with 1009 on Jetty and are echoed on Tomcat.
 * <li>A binary message: 1003 "text messages only" (the project's AdapterEndpoint) on all four.
 * <li>Idle timeout ({@code idleTimeoutMs} 1000, applied with {@code setMaxIdleTimeout}): Jetty
 *     closes with 1001 "Connection Idle Timeout" after 1 s; Tomcat with 1001 "The WebSocket
 *     session [0] idle timeout expired", but only from its background process, every 10 s:
 *     observed 10 s.
 * <li>Origin refusal (403) and the connection cap shared by both protocols (503) come from the
 *     project's check before either upgrade, so they are the same on all four.
 * </ul>
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#NAMES")
class Rfc6455MatrixIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int ONE_MIB = 1 << 20;
    private static final String ALLOWED = "http://allowed.example";

    @Parameter
    String containerName;

    private Container server;
    @AutoClose
    private final Opened opened = new Opened();

    @BeforeEach
    void start() {
        server = Container.get(containerName);
    }

    private boolean tomcat() {
        return !server.isJetty();
    }

    private JdkWebSocketClient rfc6455(URI uri, String origin) throws IOException {
        JdkWebSocketClient client = JdkWebSocketClient.connect(uri, origin, WAIT);
        opened.add(client);
        return client;
    }

    private Hixie76Client hixie76(URI uri, String origin) throws IOException {
        Hixie76Client.Options options = origin == null ? Hixie76Client.Options.defaults()
                : Hixie76Client.Options.builder().origin(origin).build();
        Hixie76Client client = Hixie76Client.connect(uri, options);
        opened.add(() -> {
            try {
                client.close();
            } catch (IOException e) {
                // closed already, by the test or the server
            }
        });
        return client;
    }

    private Container fixture() {
        return Container.get(containerName, FixtureApp.build(containerName), FixtureApp.CONTEXT_PATH);
    }

    // ---- /echo of the packaged WAR

    static final List<String> TEXTS = List.of("hello, RFC 6455", "h\u00e9llo \u20ac \u4e16\u754c \uD83D\uDE00 \uD834\uDD1E",
            "a".repeat(ONE_MIB));

    @ParameterizedTest
    @FieldSource("TEXTS")
    void echoesOverBothProtocols(String text) throws Exception {
        JdkWebSocketClient modern = rfc6455(server.uri("/echo"), null);
        modern.send(text, WAIT);
        assertEquals(text, modern.awaitMessage(WAIT), "RFC 6455 echo");
        Hixie76Client old = hixie76(server.uri("/echo"), null);
        old.send(text);
        assertEquals(text, old.awaitMessage(WAIT), "hixie-76 echo");
    }

    @Test
    void clientCloseIsAnsweredWith1000() throws Exception {
        JdkWebSocketClient modern = rfc6455(server.uri("/echo"), null);
        modern.sendClose(1000, "done", WAIT);
        Close answer = modern.awaitClose(WAIT);
        System.out.println(server + ": answer to the client's close: " + answer);
        assertEquals(1000, answer.code(), answer.toString());
        assertEquals("done", answer.reason(), "both containers repeat the client's reason");

        Hixie76Client old = hixie76(server.uri("/echo"), null);
        old.close();
        assertTrue(old.closeReceived(), "hixie-76: the server answered FF 00");
    }

    @Test
    void aTextMessageOverTheLimitIsClosedWith1009() throws Exception {
        JdkWebSocketClient modern = rfc6455(server.uri("/echo"), null);
        modern.send("a".repeat(ONE_MIB + 1), WAIT);
        Close close = modern.awaitClose(WAIT);
        System.out.println(server + ": text of 1 MiB + 1: " + close);
        assertEquals(1009, close.code(), close.toString());
        assertTrue(tomcat() ? close.reason().contains("too big") : close.reason().contains("too large"),
                close.reason());
    }

    /** Jetty's limit is in UTF-8 bytes, Tomcat's in UTF-16 chars (the buffer it decodes into). */
    @Test
    void theLimitsUnitDiffers() throws Exception {
        String text = "\uD83D\uDE00".repeat(ONE_MIB / 4 + 1); // 1 MiB + 4 bytes in UTF-8, 0.5 Mi + 2 chars
        JdkWebSocketClient modern = rfc6455(server.uri("/echo"), null);
        modern.send(text, WAIT);
        if (tomcat()) {
            assertEquals(text, modern.awaitMessage(WAIT), "Tomcat counts chars: echoed");
        } else {
            Close close = modern.awaitClose(WAIT);
            System.out.println(server + ": 4-byte characters over 1 MiB in UTF-8: " + close);
            assertEquals(1009, close.code(), close.toString());
        }
    }

    @Test
    void aBinaryMessageIsClosedWith1003() throws Exception {
        JdkWebSocketClient modern = rfc6455(server.uri("/echo"), null);
        modern.sendBinary(new byte[] {1, 2, 3}, WAIT);
        Close close = modern.awaitClose(WAIT);
        System.out.println(server + ": binary message: " + close);
        assertEquals(new Close(1003, "text messages only"), close);
    }

    // ---- /chat of the packaged WAR

    @Test
    void chatReachesEveryClientOfEitherProtocolExactlyOnce() throws Exception {
        Hixie76Client oldA = hixie76(server.uri("/chat"), null);
        Hixie76Client oldB = hixie76(server.uri("/chat"), null);
        JdkWebSocketClient modernA = rfc6455(server.uri("/chat"), null);
        JdkWebSocketClient modernB = rfc6455(server.uri("/chat"), null);
        // Each RFC 6455 session joins the group in its onOpen; a message through the group
        // (which every member must receive) shows all four joined before the test counts.
        modernB.send("joined", WAIT);
        List<Receiver> all = List.of(oldA::awaitMessage, oldB::awaitMessage, modernA::awaitMessage, modernB::awaitMessage);
        expectEach(all, "joined");
        List<Sender> senders = List.of(oldA::send, oldB::send, text -> modernA.send(text, WAIT),
                text -> modernB.send(text, WAIT));
        for (int i = 0; i < senders.size(); i++) {
            String text = "from " + i + " \uD83D\uDE00";
            senders.get(i).send(text);
            expectEach(all, text);
        }
        oldA.send("marker");
        expectEach(all, "marker"); // a message delivered twice would arrive here instead
        assertFalse(modernA.isClosed() || modernB.isClosed() || oldA.closeReceived() || oldB.closeReceived());
    }

    private interface Receiver {
        String next(Duration deadline) throws IOException;
    }

    private interface Sender {
        void send(String text) throws IOException;
    }

    private static void expectEach(List<Receiver> clients, String text) throws IOException {
        for (int i = 0; i < clients.size(); i++) {
            assertEquals(text, clients.get(i).next(WAIT), "client " + i + " (0, 1: hixie-76; 2, 3: RFC 6455)");
        }
    }

    // ---- the existing application's endpoints: a policy, a server-side close, an idle timeout

    @Test
    void serverCloseSends1000() throws Exception {
        Container app = fixture();
        awaitNoConnections(app);
        JdkWebSocketClient modern = rfc6455(app.uri("/guarded"), ALLOWED);
        modern.send("bye", WAIT);
        Close close = modern.awaitClose(WAIT);
        System.out.println(server + ": server's Session.close(): " + close);
        assertEquals(new Close(1000, ""), close);

        Hixie76Client old = hixie76(app.uri("/guarded"), ALLOWED);
        old.send("bye");
        assertTrue(old.awaitClose(WAIT), "hixie-76: the server sent FF 00");
        assertNull(old.awaitMessage(WAIT));
    }

    @Test
    void anOriginNotAllowedIsRefusedWith403() throws Exception {
        Container app = fixture();
        awaitNoConnections(app);
        JdkWebSocketClient.Refused refused = assertThrows(JdkWebSocketClient.Refused.class,
                () -> rfc6455(app.uri("/guarded"), "http://evil.example"));
        assertEquals(403, refused.status(), refused.getMessage());
        assertEquals(403, assertThrows(JdkWebSocketClient.Refused.class, () -> rfc6455(app.uri("/guarded"), null))
                .status(), "no Origin at all");
        HandshakeException old = Rejections.expectRejection(app.uri("/guarded"),
                Hixie76Client.Options.builder().origin("http://evil.example").build(), 403);
        assertTrue(old.body().contains("not allowed"), old.body());
        // the allowed origin is served by both
        JdkWebSocketClient modern = rfc6455(app.uri("/guarded"), ALLOWED);
        modern.send("hi", WAIT);
        assertEquals("guarded: hi", modern.awaitMessage(WAIT));
    }

    @Test
    void theConnectionCapIsSharedByBothProtocols() throws Exception {
        Container app = fixture();
        awaitNoConnections(app);
        Hixie76Client old = hixie76(app.uri("/guarded"), ALLOWED);
        JdkWebSocketClient modern = rfc6455(app.uri("/guarded"), ALLOWED);
        modern.send("in", WAIT);
        assertEquals("guarded: in", modern.awaitMessage(WAIT)); // its session has joined the group
        assertEquals(503, assertThrows(JdkWebSocketClient.Refused.class, () -> rfc6455(app.uri("/guarded"), ALLOWED))
                .status(), "a third connection, RFC 6455");
        Rejections.expectRejection(app.uri("/guarded"), Hixie76Client.Options.builder().origin(ALLOWED).build(), 503);
        // one leaves: a client of the other protocol gets its place
        old.close();
        awaitConnections(app, 1);
        Hixie76Client again = hixie76(app.uri("/guarded"), ALLOWED);
        again.send("back");
        assertEquals("guarded: back", again.awaitMessage(WAIT));
    }

    @Test
    void theIdleTimeoutCloses() throws Exception {
        JdkWebSocketClient modern = rfc6455(fixture().uri("/impatient"), null);
        modern.send("once", WAIT);
        assertEquals("programmatic: once", modern.awaitMessage(WAIT));
        long start = System.nanoTime();
        // Tomcat looks for expired sessions in its background process, every 10 s
        Close close = modern.awaitClose(Duration.ofSeconds(20));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: idle 1 s: %s after %.1f s%n", server, close, seconds);
        assertEquals(1001, close.code(), close.toString());
        assertTrue(seconds > 0.5 && seconds < (tomcat() ? 12 : 3), "closed after " + seconds + " s");
        assertTrue(close.reason().contains(tomcat() ? "idle timeout expired" : "Idle Timeout"), close.reason());
    }

    // ---- the fixture's connection count, from its status servlet

    private static void awaitNoConnections(Container app) {
        awaitConnections(app, 0);
    }

    /** Earlier tests' connections end on the server a little after their clients saw the close. */
    private static void awaitConnections(Container app, long expected) {
        AtomicReference<String> last = new AtomicReference<>("nothing yet");
        Await.until(() -> "/guarded back to " + expected + " connections; last: " + last.get(), WAIT, () -> {
            long connections = connections(app, last);
            return connections == expected;
        });
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private static final Pattern GUARDED = Pattern.compile("\\{\"name\":\"guarded\",\"openSessions\":\\d+,\"connections\":(\\d+)");

    private static long connections(Container app, AtomicReference<String> last) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(app.http("/secure/status"))
                    .header("Authorization", Container.BASIC_AUTHORIZATION).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            last.set(response.statusCode() + " " + response.body());
            Matcher figures = GUARDED.matcher(response.body());
            if (response.statusCode() != 200 || !figures.find()) {
                throw new AssertionError("no figures for /guarded in the status: " + last.get());
            }
            return Long.parseLong(figures.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("the status servlet did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
