package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.RawSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo as the run command starts it (jetty-run.xml, in-process through the JettyServer
 * harness). The behaviour of the endpoints on every container is ContainerMatrixIT's.
 */
class DemoServerTest {

    @RegisterExtension
    static final JettyServer SERVER = DemoServer.harness();

    @Test
    void answersTheSpecExampleOnEcho() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest("/echo")));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("ws://example.com/echo"), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    @Test
    void servesEchoAndChat() throws Exception {
        try (Hixie76Client echo = Hixie76Client.connect(SERVER.uri("/echo"));
                Hixie76Client chat = Hixie76Client.connect(SERVER.uri("/chat"))) {
            echo.send("echoed");
            chat.send("chatted");
            assertEquals("echoed", echo.receive());
            assertEquals("chatted", chat.receive());
        }
    }

    @Test
    void servesTheIndexPage() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(200, raw.readHead().status());
            String page = new String(raw.readToEnd(), java.nio.charset.StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(page.contains("/echo") && page.contains("/chat"), page);
        }
    }

    @Test
    void takesAKey3SentAfterTheHeaders() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.specRequest("/echo"));
            assertEquals(101, raw.readHead().status());
            // The delay is what is under test: Jetty's servlet upgrade would lose this key3.
            Thread.sleep(300);
            raw.write(Draft.EXAMPLE.key3());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    static Stream<Arguments> forwardedRequests() {
        return Stream.of(
                Arguments.of("X-Forwarded-Proto: https\r\nX-Forwarded-Host: chat.example.org", "wss://chat.example.org/echo"),
                Arguments.of("X-Forwarded-Proto: https\r\nX-Forwarded-Host: chat.example.org:8443",
                        "wss://chat.example.org:8443/echo"),
                Arguments.of("X-Forwarded-Proto: https\r\nX-Forwarded-Host: chat.example.org:443", "wss://chat.example.org/echo"),
                Arguments.of("Forwarded: proto=https;host=chat.example.org", "wss://chat.example.org/echo"),
                Arguments.of("Forwarded: proto=http;host=\"chat.example.org:8080\"", "ws://chat.example.org:8080/echo"));
    }

    @ParameterizedTest
    @MethodSource("forwardedRequests")
    void locationIsTheUrlTheClientOpenedThroughAProxy(String forwarded, String location) throws Exception {
        String request = RawSocket.specRequest("/echo").replace("\r\n\r\n", "\r\n" + forwarded + "\r\n\r\n");
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(request));
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of(location), head.all("Sec-WebSocket-Location"), head.toString());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    /**
     * Chrome leaves {@code | { } ^ `} and a '%' without two hex digits as typed in a query; Jetty
     * accepts them, java.net.URI does not. The Location must still be the URL as sent.
     */
    @Test
    void keepsAQueryThatJavaNetUriRefuses() throws Exception {
        String target = "/echo?q={a|b}^`&p=100%&r=%zz";
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(target)));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("ws://example.com" + target), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }
}
