package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.RawSocket;
import io.github.hixie76.testing.Rejections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The packaged WARs on embedded Undertow 2.3 (jakarta WAR) and 2.2 (javax WAR). Undertow's
 * HTTP/1.1 parser collapses every run of spaces in a header value into one, so the numbers of
 * a hixie-76 key (divided by its count of spaces) cannot be read there: measured with the
 * matrix suite, most random handshakes were refused ("not a multiple of its N spaces") and
 * some were answered with a wrong digest. The project therefore refuses hixie-76 on Undertow
 * with one reason, and serves RFC 6455 through Undertow's own WebSocket support: 2.3's
 * {@code upgradeHttpToWebSocket}, 2.2's public {@code ServerWebSocketContainer.doUpgrade}.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#UNDERTOW")
class UndertowIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Parameter
    String containerName;

    private Container server;

    @BeforeEach
    void start() {
        server = Container.get(containerName);
    }

    @Test
    void refusesHixie76WithTheReason() throws Exception {
        try (RawSocket raw = new RawSocket(server.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest(Container.CONTEXT_PATH + "/echo")));
            RawSocket.Head head = raw.readHead();
            assertEquals(400, head.status(), head.statusLine());
            String body = new String(raw.readToEnd(), StandardCharsets.UTF_8).strip();
            assertTrue(body.startsWith("hixie-76 cannot be served on Undertow - 2.") && body.contains(
                    "collapses runs of spaces") && body.endsWith("RFC 6455 is served here"), body);
        }
        HandshakeException refused = Rejections.expectRejection(server.uri("/chat"), 400);
        assertTrue(refused.body().contains("collapses runs of spaces"), refused.body());
        assertEquals(1, occurrences(server.log(), "WARNING: echo: hixie-76 cannot be served on Undertow"), server.log());
    }

    @Test
    void servesRfc6455OnBothEndpoints() throws Exception {
        try (JdkWebSocketClient echo = JdkWebSocketClient.connect(server.uri("/echo"), null, WAIT);
                JdkWebSocketClient a = JdkWebSocketClient.connect(server.uri("/chat"), null, WAIT);
                JdkWebSocketClient b = JdkWebSocketClient.connect(server.uri("/chat"), null, WAIT)) {
            echo.send("h\u00e9llo \uD83D\uDE00", WAIT);
            assertEquals("h\u00e9llo \uD83D\uDE00", echo.awaitMessage(WAIT));
            a.send("to the room", WAIT);
            assertEquals("to the room", a.awaitMessage(WAIT));
            assertEquals("to the room", b.awaitMessage(WAIT));
        }
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
