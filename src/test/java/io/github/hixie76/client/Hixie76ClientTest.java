package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.api.Session;
import io.github.hixie76.client.Hixie76Client.HandshakePart;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.OneShotServer;
import io.github.hixie76.testing.Rejections;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's waits (each with its timeout), its request head, its handshake trace and its
 * deprecated refusal helper, against embedded Jetty, and against a one-connection fake server
 * for answers Jetty never gives (no closing handshake, a wrong digest).
 */
class Hixie76ClientTest {

    /** Echoes; "close" makes the server start the closing handshake; "quiet" is not answered. */
    public static final class Scripted implements Endpoint {
        @Override
        public void onMessage(Session session, String text) {
            if (text.equals("close")) {
                session.close();
            } else if (!text.equals("quiet")) {
                session.send(text);
            }
        }
    }

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(5);

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/scripted", Scripted.class),
            Map.of("closeTimeoutMs", "3000"));

    /** A client of {@code /scripted} that has sent these messages. */
    private static Hixie76Client clientThatSent(String... messages) throws IOException {
        Hixie76Client client = SERVER.connect("/scripted");
        for (String message : messages) {
            client.send(message);
        }
        return client;
    }

    @Test
    void awaitMessageReturnsTheNextMessage() throws Exception {
        Hixie76Client client = clientThatSent("one", "two 😀");
        assertEquals("one", client.awaitMessage(LONG));
        assertEquals("two 😀", client.awaitMessage(LONG));
    }

    @Test
    void awaitMessageTimesOutAndTheClientStillWorks() throws Exception {
        Hixie76Client client = clientThatSent("quiet");
        long start = System.nanoTime();
        SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, () -> client.awaitMessage(SHORT));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 250 && millis < 5_000, "timed out after " + millis + " ms");
        assertEquals("a message did not come within 300 ms", timeout.getMessage());
        client.send("later");
        assertEquals("later", client.awaitMessage(LONG));
    }

    @Test
    void awaitCloseAnswersTheServersClosingHandshake() throws Exception {
        Hixie76Client client = clientThatSent("before", "close");
        assertTrue(client.awaitClose(LONG));
        assertEquals("before", client.receive(), "messages before the close are kept");
        assertNull(client.receive());
        long start = System.nanoTime();
        client.awaitEnd();
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Unanswered, the server would hold the connection for its closeTimeoutMs (3000).
        assertTrue(millis < 2_000, "the server ended the connection " + millis + " ms after the answer");
    }

    @Test
    void awaitCloseTimesOutWhileTheServerStaysOpen() throws Exception {
        Hixie76Client client = SERVER.connect("/scripted");
        SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, () -> client.awaitClose(SHORT));
        assertEquals("the server's closing handshake did not come within 300 ms", timeout.getMessage());
    }

    @Test
    void awaitCloseIsFalseWhenTheStreamEndsWithoutClosingHandshake() throws Exception {
        try (OneShotServer server = new OneShotServer(OneShotServer::accept)) {
            Hixie76Client client = Hixie76Client.connect(server.uri("/x"));
            assertFalse(client.awaitClose(LONG));
            assertFalse(client.closeReceived());
            client.close();
        }
    }

    @Test
    @SuppressWarnings("removal")
    void theDeprecatedRefusalHelperStillWorks() throws Exception {
        assertEquals(404, Hixie76Client.expectRejection(SERVER.uri("/nowhere"), 404).status());
        AssertionError accepted = assertThrows(AssertionError.class,
                () -> Hixie76Client.expectRejection(SERVER.uri("/scripted"), 404));
        assertEquals("expected the handshake to be refused with 404, but the server accepted it (101)",
                accepted.getMessage());
        AssertionError other = assertThrows(AssertionError.class,
                () -> Hixie76Client.expectRejection(SERVER.uri("/nowhere"), Hixie76Client.Options.defaults(), 400));
        assertTrue(other.getMessage().startsWith(
                "expected the handshake to be refused with 400, got: status: expected 101, got 'HTTP/1.1 404 "),
                other.getMessage());
    }

    @Test
    void nothingIsSentAfterTheClosingHandshake() throws Exception {
        Hixie76Client client = SERVER.connect("/scripted");
        client.sendClose();
        IOException refused = assertThrows(IOException.class, () -> client.send("too late"));
        assertEquals("the closing handshake was sent: no message may follow it", refused.getMessage());
        assertTrue(client.awaitClose(LONG), "the server answered the client's FF 00");
    }

    @Test
    void traceSeesEachPartOfTheHandshakeInOrder() throws Exception {
        List<HandshakePart> parts = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        Hixie76Client.Options options = Hixie76Client.Options.builder().trace((part, b) -> {
            parts.add(part);
            bytes.add(b);
        }).build();
        SERVER.connect(SERVER.uri("/scripted"), options);
        assertEquals(List.of(HandshakePart.REQUEST_HEAD, HandshakePart.KEY3, HandshakePart.RESPONSE_HEAD,
                HandshakePart.RESPONSE_DIGEST), parts);
        String request = new String(bytes.get(0), StandardCharsets.ISO_8859_1);
        assertTrue(request.startsWith("GET /scripted HTTP/1.1\r\n") && request.endsWith("\r\n\r\n"), request);
        String response = new String(bytes.get(2), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 ") && response.endsWith("\r\n\r\n"), response);
        assertArrayEquals(OneShotServer.digest(request, bytes.get(1)), bytes.get(3));
    }

    @Test
    void traceSeesARefusal() throws Exception {
        List<HandshakePart> parts = new ArrayList<>();
        List<String> heads = new ArrayList<>();
        Hixie76Client.Options options = Hixie76Client.Options.builder().trace((part, b) -> {
            parts.add(part);
            heads.add(new String(b, StandardCharsets.ISO_8859_1));
        }).build();
        Rejections.expectRejection(SERVER.uri("/nowhere"), options, 404);
        assertEquals(List.of(HandshakePart.REQUEST_HEAD, HandshakePart.KEY3, HandshakePart.RESPONSE_HEAD), parts);
        assertTrue(heads.get(2).startsWith("HTTP/1.1 404 "), heads.get(2));
    }

    @Test
    void theRequestHeadNamesTheRawResourceAndTheHostWithItsPort() throws Exception {
        List<String> heads = new ArrayList<>();
        Hixie76Client.Options options = Hixie76Client.Options.builder().subprotocol("chat").trace((part, b) -> {
            if (part == HandshakePart.REQUEST_HEAD) {
                heads.add(new String(b, StandardCharsets.ISO_8859_1));
            }
        }).build();
        try (OneShotServer server = new OneShotServer(OneShotServer::accept)) {
            URI uri = server.uri("/a%20b/c?x=1&y=%2F");
            Hixie76Client.connect(uri, options).close();
            String authority = "127.0.0.1:" + uri.getPort();
            assertEquals("GET /a%20b/c?x=1&y=%2F HTTP/1.1\r\n"
                    + "Upgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Host: " + authority + "\r\n"
                    + "Origin: http://" + authority + "\r\n"
                    + "Sec-WebSocket-Key1: K\r\n"
                    + "Sec-WebSocket-Key2: K\r\n"
                    + "Sec-WebSocket-Protocol: chat\r\n"
                    + "\r\n", heads.get(0).replaceAll("(Sec-WebSocket-Key[12]): [^\r]+", "$1: K"));
        }
    }

    @Test
    void aWrongDigestNamesBothValues() throws Exception {
        List<byte[]> digests = new ArrayList<>();
        Hixie76Client.Options options = Hixie76Client.Options.builder().trace((part, b) -> {
            if (part == HandshakePart.RESPONSE_DIGEST) {
                digests.add(b);
            }
        }).build();
        try (OneShotServer server = new OneShotServer((head, key3) -> OneShotServer.headers(head)
                + "\0".repeat(16))) {
            HandshakeException wrong = assertThrows(HandshakeException.class,
                    () -> Hixie76Client.connect(server.uri("/x"), options));
            assertTrue(wrong.getMessage().matches("challenge response: expected [0-9a-f]{32}, got 0{32}"),
                    wrong.getMessage());
            assertArrayEquals(new byte[16], digests.get(0));
        }
    }

    @Test
    void oneThreadReceivesWhileAnotherSends() throws Exception {
        Hixie76Client client = SERVER.connect("/scripted");
        int count = 500;
        CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> {
            List<String> messages = new ArrayList<>();
            try {
                while (messages.size() < count) {
                    messages.add(client.awaitMessage(LONG));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return messages;
        });
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add("message " + i);
            client.send(sent.get(i));
        }
        assertEquals(sent, received.get(10, TimeUnit.SECONDS));
    }
}
