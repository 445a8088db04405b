package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.hixie76.client.Hixie76Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness's WAR mode, with the packaged demo WAR (so after 'package'). */
class JettyServerWarIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final JettyServer WAR = JettyServer.war(Path.of("target/hixie76-servlet.war"));

    @Test
    void servesTheWarsEndpointsAtTheRoot() throws Exception {
        Hixie76Client echo = WAR.connect("/echo");
        Hixie76Client chat = WAR.connect("/chat");
        echo.send("from the WAR");
        chat.send("chat too");
        assertEquals("from the WAR", echo.awaitMessage(WAIT));
        assertEquals("chat too", chat.awaitMessage(WAIT));
    }

    @Test
    void answersTheSpecExampleByteForByte() throws Exception {
        try (RawSocket raw = new RawSocket(WAR.port())) {
            raw.write(RawSocket.specRequest("/echo"));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertEquals(List.of("ws://example.com/echo"), head.all("Sec-WebSocket-Location"));
            // key3 in a later write: only Jetty's connection-level upgrade, reached from inside
            // the WAR's class loader, delivers it.
            Thread.sleep(300);
            raw.write(Draft.EXAMPLE.key3());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }

    @Test
    void refusesAPathThatIsNoFile() {
        IllegalArgumentException notAWar = assertThrows(IllegalArgumentException.class,
                () -> JettyServer.war(Path.of("target")).beforeAll(null));
        assertEquals("expected a WAR file, got " + Path.of("target").toAbsolutePath(), notAWar.getMessage());
    }
}
