package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Bytes;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.RawSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged WAR on every container the project claims (Jetty 12.1 ee10 and ee11, Tomcat 11
 * and 10.1; the javax WAR on Tomcat 9 and 8.5 and Jetty 10), each in a JVM of its own, over
 * real sockets. Where a container cannot do something,
 * the test asserts what that container does instead.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#NAMES")
class ContainerMatrixIT {

    private static final String ECHO = Container.CONTEXT_PATH + "/echo";

    @Parameter
    String containerName;

    private Container server;

    @BeforeEach
    void start() {
        server = Container.get(containerName);
    }

    @Test
    void answersTheSpecExampleByteForByte() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(ECHO)));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertTrue(head.statusLine().startsWith("HTTP/1.1 101 "), head.statusLine());
            assertEquals(List.of("WebSocket"), head.all("Upgrade"));
            assertEquals(List.of("Upgrade"), head.all("Connection"));
            assertEquals(List.of("http://example.com"), head.all("Sec-WebSocket-Origin"));
            assertEquals(List.of("ws://example.com" + ECHO), head.all("Sec-WebSocket-Location"));
            assertEquals(List.of("sample"), head.all("Sec-WebSocket-Protocol"));
            assertEquals(List.of(), head.all("Content-Length"));
            assertEquals(List.of(), head.all("Transfer-Encoding"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    /** Chrome compares the Upgrade value exactly: it must be WebSocket whatever case the request used. */
    @Test
    void answersUpgradeWebSocketToALowerCaseRequest() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(ECHO).replace("Upgrade: WebSocket", "upgrade: websocket")));
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of("WebSocket"), head.all("Upgrade"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    @Test
    void keepsThePortAndQueryInTheLocation() throws Exception {
        String request = RawSocket.specRequest(ECHO + "?room=a%20b&x=1").replace("Host: example.com", "Host: Example.COM:8123");
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(request));
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of("ws://example.com:8123" + ECHO + "?room=a%20b&x=1"), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    /** A '%' not followed by two hex digits reaches the servlet on every container; browsers send it as typed. */
    @Test
    void keepsAQueryWithALonePercentInTheLocation() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(ECHO + "?discount=100%&code=%zz")));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("ws://example.com" + ECHO + "?discount=100%&code=%zz"), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    static Stream<Arguments> badHandshakes() {
        String good = RawSocket.specRequest(ECHO);
        // A null reason: Jetty refuses this itself, before any servlet runs (see the test).
        return Stream.of(
                Arguments.of("plain GET", "GET " + ECHO + " HTTP/1.1\r\nHost: example.com\r\n\r\n", 400,
                        "not a WebSocket request: no Upgrade header"),
                Arguments.of("other upgrade", good.replace("Upgrade: WebSocket", "Upgrade: h2c"), 400,
                        "not a WebSocket request: Upgrade is 'h2c'"),
                Arguments.of("no Connection upgrade", good.replace("Connection: Upgrade", "Connection: keep-alive"), 400,
                        "Connection header must include 'Upgrade'"),
                Arguments.of("hixie-75", good.replaceAll("Sec-WebSocket-Key[12]: [^\r]*\r\n", ""), 400,
                        "hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here"),
                // RFC 6455 itself is served (Rfc6455MatrixIT); the same checks refuse a bad one first
                Arguments.of("RFC 6455 POST", good.replaceAll("Sec-WebSocket-Key[12]: [^\r]*\r\n", "")
                        .replace("GET ", "POST ")
                        .replace("\r\n\r\n", "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                        405, "an RFC 6455 WebSocket opens with GET"),
                Arguments.of("key without spaces", good.replace(Draft.EXAMPLE.key1(), "4146546015"), 400,
                        "Sec-WebSocket-Key1: key has no spaces"),
                Arguments.of("key number too big", good.replace(Draft.EXAMPLE.key1(), "42949672 96 0"), 400,
                        "Sec-WebSocket-Key1: key number exceeds 4294967295"),
                Arguments.of("key not a multiple", good.replace(Draft.EXAMPLE.key2(), "1 2 3"), 400,
                        "Sec-WebSocket-Key2: key number 123 is not a multiple of its 2 spaces"),
                Arguments.of("one key", good.replace("Sec-WebSocket-Key2: " + Draft.EXAMPLE.key2() + "\r\n", ""), 400,
                        "missing Sec-WebSocket-Key2 header"),
                Arguments.of("no Origin", good.replace("Origin: http://example.com\r\n", ""), 400,
                        "missing Origin header"),
                Arguments.of("POST", good.replace("GET ", "POST "), 405, "a hixie-76 WebSocket opens with GET"),
                Arguments.of("HTTP/1.0", good.replace("HTTP/1.1", "HTTP/1.0"), 400, "hixie-76 needs HTTP/1.1, got HTTP/1.0"),
                Arguments.of("odd Content-Length", good.replace("\r\n\r\n", "\r\nContent-Length: 5\r\n\r\n") + "abcde", 400,
                        "Content-Length must be 8 (key3) or absent, got 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void refusesABadHandshakeWithAReasonAndKeepsServing(String name, String request, int status, String reason)
            throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(request);
            RawSocket.Head head = raw.readHead();
            assertEquals(status, head.status(), head.statusLine());
            String body = new String(raw.readToEnd(), StandardCharsets.UTF_8);
            if (server.isJetty() && name.equals("no Connection upgrade")) {
                // Jetty answers an Upgrade without a Connection: Upgrade token itself, with its
                // own HTML page, before any servlet runs (Jetty 10 gives no reason).
                assertTrue(body.contains(server.name().equals("jetty-10") ? "<h1>Bad Message 400</h1>"
                        : "Invalid h2c upgrade headers"), body);
            } else {
                assertEquals("text/plain;charset=utf-8", head.all("Content-Type").get(0).toLowerCase(Locale.ROOT));
                assertEquals(reason, body.strip());
            }
        }
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            client.send("still serving");
            assertEquals("still serving", client.receive());
        }
    }

    @Test
    void clientReportsTheRefusal() {
        HandshakeException refused = assertThrows(HandshakeException.class,
                () -> Hixie76Client.connect(server.uri("/nowhere")));
        assertEquals(404, refused.status());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 4096, 1 << 20})
    void echoesAsciiOfEverySize(int length) throws Exception {
        String text = "a".repeat(length);
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            client.send(text);
            assertEquals(text, client.receive());
        }
    }

    @Test
    void echoesMultiByteUtf8() throws Exception {
        String text = "héllo ∑ 日本語 😀 𝄞 \u0000 end";
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            client.send(text);
            assertEquals(text, client.receive());
        }
    }

    @Test
    void echoesFiftyFramesWrittenAtOnce() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add("frame " + i + " ✓");
            frames.writeBytes(FrameEncoder.text(sent.get(i)).array());
        }
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            client.writeRaw(ByteBuffer.wrap(frames.toByteArray()));
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                received.add(client.receive());
            }
            assertEquals(sent, received);
        }
    }

    @Test
    void echoesAFrameSentOneByteAtATime() throws Exception {
        byte[] frame = FrameEncoder.text("slow 😀 frame").array();
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            for (byte b : frame) {
                client.writeRaw(ByteBuffer.wrap(new byte[] {b}));
            }
            assertEquals("slow 😀 frame", client.receive());
        }
    }

    @Test
    void skipsLengthPrefixedAndOtherFrames() throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"))) {
            client.writeRaw(FrameEncoder.lengthPrefixed(0x80, new byte[] {(byte) 0xFF, 0x00, 0x00, (byte) 0xFF}));
            client.writeRaw(ByteBuffer.wrap(new byte[] {0x01, 'x', (byte) 0xFF}));
            client.writeRaw(FrameEncoder.lengthPrefixed(0xFF, new byte[200]));
            client.send("after");
            assertEquals("after", client.receive());
        }
    }

    @Test
    void takesKey3FromABodyWithContentLength8() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.builder().key3AsBody(true).build();
        try (Hixie76Client client = Hixie76Client.connect(server.uri("/echo"), options)) {
            client.send("netty style");
            assertEquals("netty style", client.receive());
        }
    }

    @Test
    void takesKey3AndAFirstFrameInTheSameWriteAsTheHeaders() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(Bytes.concat(RawSocket.withKey3(RawSocket.specRequest(ECHO)), FrameEncoder.text("first").array()));
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
            assertArrayEquals(FrameEncoder.text("first").array(), raw.readExactly(7));
        }
    }

    @Test
    void answersTheClosingHandshakeThenEndsTheStream() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(ECHO)));
            raw.readHead();
            raw.readExactly(16);
            raw.write(new byte[] {(byte) 0xFF, 0x00});
            assertArrayEquals(new byte[] {(byte) 0xFF, 0x00}, raw.readToEnd());
        }
    }

    @Test
    void clientCloseCompletesTheHandshake() throws Exception {
        Hixie76Client client = Hixie76Client.connect(server.uri("/echo"));
        client.close();
        assertTrue(client.closeReceived());
        assertNull(client.receive());
    }

    @Test
    void chatReachesEverySessionExactlyOnce() throws Exception {
        try (Hixie76Client a = Hixie76Client.connect(server.uri("/chat"));
                Hixie76Client b = Hixie76Client.connect(server.uri("/chat"));
                Hixie76Client c = Hixie76Client.connect(server.uri("/chat"))) {
            a.send("hello from a");
            for (Hixie76Client client : List.of(a, b, c)) {
                assertEquals("hello from a", client.receive());
            }
            b.send("then b");
            for (Hixie76Client client : List.of(a, b, c)) {
                assertEquals("then b", client.receive());
            }
            c.send("marker");
            for (Hixie76Client client : List.of(a, b, c)) {
                assertEquals("marker", client.receive(), "a message arrived twice or out of order");
            }
            assertFalse(a.closeReceived());
        }
    }

    /**
     * key3 300 ms after the headers, with no Content-Length, as a proxy may deliver it (notes
     * §7.1). Tomcat hands it to the upgraded stream; on Jetty, whose servlet upgrade would lose
     * it (notes §5), the connection-level transport reads it.
     */
    @Test
    void lateKey3() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.specRequest(ECHO));
            assertEquals(101, raw.readHead().status(), "the 101 headers go out before key3 arrives");
            // The delay is what is under test.
            Thread.sleep(300);
            raw.write(Draft.EXAMPLE.key3());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
            raw.write(FrameEncoder.text("late").array());
            assertArrayEquals(FrameEncoder.text("late").array(), raw.readExactly(6));
        }
    }

    /**
     * Behind a TLS-terminating proxy the Location is the URL the client opened, through the
     * container's own forwarded-request support (Jetty's ForwardedRequestCustomizer, Tomcat's
     * RemoteIpValve), configured as README shows.
     */
    @ParameterizedTest
    @CsvSource({"chat.example.org, 443", "chat.example.org:8443, 8443"})
    void locationBehindATlsTerminatingProxy(String forwardedHost, int forwardedPort) throws Exception {
        // Tomcat's RemoteIpValve takes the port from X-Forwarded-Port only, as proxies send it.
        String request = RawSocket.specRequest(ECHO).replace("\r\n\r\n", "\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: "
                + forwardedHost + "\r\nX-Forwarded-Port: " + forwardedPort + "\r\n\r\n");
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(request));
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of("wss://" + forwardedHost + ECHO), head.all("Sec-WebSocket-Location"), head.toString());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    /**
     * key3 is 8 random bytes: about one browser in a hundred sends one that begins with CR or
     * LF, which Jetty's HTTP parser discards after a complete request unless the server takes
     * those bytes first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\r\nabcdef", "\n\n\n\n\n\n\n\n", "\rabcdefg", " \r\nabcde"})
    void key3BeginningWithLineBreaks(String key3) throws Exception {
        String request = RawSocket.specRequest(ECHO);
        byte[] expected = io.github.hixie76.protocol.OpeningHandshake.response(Draft.EXAMPLE.part1(), Draft.EXAMPLE.part2(),
                Bytes.latin1(key3));
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(request + key3);
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(expected, raw.readExactly(16));
            raw.write(FrameEncoder.text("after").array());
            assertArrayEquals(FrameEncoder.text("after").array(), raw.readExactly(7));
        }
    }

    /**
     * 2,000 connections open at once, each echoing once, with the container's default thread
     * pool (200 threads on both): were a thread held per connection, the container could not
     * serve them, and its JVM's thread count would show it.
     */
    @Test
    void twoThousandConcurrentConnections() throws Exception {
        int connections = 2_000;
        List<Hixie76Client> clients = new ArrayList<>();
        ExecutorService connectors = Executors.newFixedThreadPool(8);
        try {
            List<Future<Hixie76Client>> opening = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                opening.add(connectors.submit(() -> Hixie76Client.connect(server.uri("/echo"))));
            }
            for (Future<Hixie76Client> client : opening) {
                clients.add(client.get(60, TimeUnit.SECONDS));
            }
            for (int i = 0; i < connections; i++) {
                clients.get(i).send("message " + i);
            }
            for (int i = 0; i < connections; i++) {
                assertEquals("message " + i, clients.get(i).receive());
            }
            int threads = server.threadCount();
            assertTrue(threads < 400, connections + " open connections, " + threads + " threads in the container");
        } finally {
            connectors.shutdownNow();
            for (Hixie76Client client : clients) {
                client.close();
            }
        }
    }
}
