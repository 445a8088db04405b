package io.github.hixie76.it;

import static io.github.hixie76.testing.RawSocket.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo as the run command starts it (jetty-run.xml, in-process through the JettyServer
 * harness). The behaviour of the endpoints on every container is ContainerMatrixIT's.
 */
class DemoServerTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.demo();

    @Test
    void answersTheSpecExampleOnEcho() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.specRequest("/echo") + RawSocket.SPEC_KEY3);
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("ws://example.com/echo"), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
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
}
