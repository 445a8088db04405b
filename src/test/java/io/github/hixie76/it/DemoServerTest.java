package io.github.hixie76.it;

import static io.github.hixie76.testing.RawSocket.bytes;
import static io.github.hixie76.testing.RawSocket.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo webapp, configured by jetty-run.xml as the run command runs it, over real sockets. */
class DemoServerTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.demo();

    @Test
    void answersTheSpecExampleByteForByte() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.specRequest("/echo") + RawSocket.SPEC_KEY3);
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertTrue(head.statusLine().startsWith("HTTP/1.1 101 "), head.statusLine());
            assertEquals(List.of("WebSocket"), head.all("Upgrade"));
            assertEquals(List.of("Upgrade"), head.all("Connection"));
            assertEquals(List.of("http://example.com"), head.all("Sec-WebSocket-Origin"));
            assertEquals(List.of("ws://example.com/echo"), head.all("Sec-WebSocket-Location"));
            assertEquals(List.of("sample"), head.all("Sec-WebSocket-Protocol"));
            assertEquals(List.of(), head.all("Content-Length"));
            assertEquals(List.of(), head.all("Transfer-Encoding"));
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
        }
    }

    @Test
    void answersUpgradeWebSocketExactlyToALowerCaseRequest() throws Exception {
        // Netty's client asks with "upgrade: websocket"; Jetty's upgrade() echoes the request's value.
        String request = RawSocket.specRequest("/echo").replace("Upgrade: WebSocket", "upgrade: websocket");
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(request + RawSocket.SPEC_KEY3);
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("WebSocket"), head.all("Upgrade"));
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
        }
    }

    @Test
    void keepsThePortAndQueryInTheLocation() throws Exception {
        String request = RawSocket.specRequest("/echo?room=a%20b&x=1").replace("Host: example.com", "Host: Example.COM:8123");
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(request + RawSocket.SPEC_KEY3);
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of("ws://example.com:8123/echo?room=a%20b&x=1"), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
        }
    }

    static Stream<Arguments> badHandshakes() {
        String good = RawSocket.specRequest("/echo");
        return Stream.of(
                Arguments.of("plain GET", "GET /echo HTTP/1.1\r\nHost: example.com\r\n\r\n", 400,
                        "not a WebSocket request: no Upgrade header"),
                Arguments.of("other upgrade", good.replace("Upgrade: WebSocket", "Upgrade: h2c"), 400,
                        "not a WebSocket request: Upgrade is 'h2c'"),
                // Jetty refuses an Upgrade without a Connection: Upgrade token itself, before any
                // servlet runs ("Invalid h2c upgrade headers"): a null reason expects that.
                Arguments.of("no Connection upgrade", good.replace("Connection: Upgrade", "Connection: keep-alive"), 400,
                        null),
                Arguments.of("hixie-75", good.replaceAll("Sec-WebSocket-Key[12]: [^\r]*\r\n", ""), 400,
                        "hixie-75 request (no Sec-WebSocket-Key1/Key2): only hixie-76 is served here"),
                Arguments.of("RFC 6455", good.replaceAll("Sec-WebSocket-Key[12]: [^\r]*\r\n", "")
                        .replace("\r\n\r\n", "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                        400, "RFC 6455 request (Sec-WebSocket-Version 13): only hixie-76 is served here"),
                Arguments.of("key without spaces", good.replace(RawSocket.SPEC_KEY1, "4146546015"), 400,
                        "Sec-WebSocket-Key1: key has no spaces"),
                Arguments.of("key number too big", good.replace(RawSocket.SPEC_KEY1, "42949672 96 0"), 400,
                        "Sec-WebSocket-Key1: key number exceeds 4294967295"),
                Arguments.of("key not a multiple", good.replace(RawSocket.SPEC_KEY2, "1 2 3"), 400,
                        "Sec-WebSocket-Key2: key number 123 is not a multiple of its 2 spaces"),
                Arguments.of("one key", good.replace("Sec-WebSocket-Key2: " + RawSocket.SPEC_KEY2 + "\r\n", ""), 400,
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
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(request);
            RawSocket.Head head = raw.readHead();
            assertEquals(status, head.status(), head.statusLine());
            String body = new String(raw.readToEnd(), StandardCharsets.UTF_8);
            if (reason != null) {
                assertEquals("text/plain;charset=utf-8", head.all("Content-Type").get(0).toLowerCase(java.util.Locale.ROOT));
                assertEquals(reason, body.strip());
            } else {
                assertTrue(body.contains("Invalid h2c upgrade headers"), body);
            }
        }
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
            client.send("still serving");
            assertEquals("still serving", client.receive());
        }
    }

    @Test
    void clientReportsTheRefusal() {
        HandshakeException refused = assertThrows(HandshakeException.class,
                () -> Hixie76Client.connect(SERVER.uri("/nowhere")));
        assertEquals(404, refused.status());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 4096, 1 << 20})
    void echoesAsciiOfEverySize(int length) throws Exception {
        String text = "a".repeat(length);
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
            client.send(text);
            assertEquals(text, client.receive());
        }
    }

    @Test
    void echoesMultiByteUtf8() throws Exception {
        String text = "héllo ∑ 日本語 😀 𝄞 \u0000 end";
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
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
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
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
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
            for (byte b : frame) {
                client.writeRaw(ByteBuffer.wrap(new byte[] {b}));
            }
            assertEquals("slow 😀 frame", client.receive());
        }
    }

    @Test
    void skipsLengthPrefixedAndOtherFrames() throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
            client.writeRaw(FrameEncoder.lengthPrefixed(0x80, new byte[] {(byte) 0xFF, 0x00, 0x00, (byte) 0xFF}));
            client.writeRaw(ByteBuffer.wrap(new byte[] {0x01, 'x', (byte) 0xFF}));
            client.writeRaw(FrameEncoder.lengthPrefixed(0xFF, new byte[200]));
            client.send("after");
            assertEquals("after", client.receive());
        }
    }

    @Test
    void takesKey3FromABodyWithContentLength8() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.defaults().key3AsBody(true);
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"), options)) {
            client.send("netty style");
            assertEquals("netty style", client.receive());
        }
    }

    @Test
    void takesKey3AndAFirstFrameInTheSameWriteAsTheHeaders() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(concat(bytes(RawSocket.specRequest("/echo") + RawSocket.SPEC_KEY3), FrameEncoder.text("first").array()));
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
            assertArrayEquals(FrameEncoder.text("first").array(), raw.readExactly(7));
        }
    }

    @Test
    void answersTheClosingHandshakeThenEndsTheStream() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.specRequest("/echo") + RawSocket.SPEC_KEY3);
            raw.readHead();
            raw.readExactly(16);
            raw.write(new byte[] {(byte) 0xFF, 0x00});
            assertArrayEquals(new byte[] {(byte) 0xFF, 0x00}, raw.readToEnd());
        }
    }

    @Test
    void clientCloseCompletesTheHandshake() throws Exception {
        Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"));
        client.close();
        assertTrue(client.closeReceived());
        assertNull(client.receive());
    }

    @Test
    void chatReachesEverySessionExactlyOnce() throws Exception {
        try (Hixie76Client a = Hixie76Client.connect(SERVER.uri("/chat"));
                Hixie76Client b = Hixie76Client.connect(SERVER.uri("/chat"));
                Hixie76Client c = Hixie76Client.connect(SERVER.uri("/chat"))) {
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
}
