package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.FixtureApp;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.Opened;
import io.github.hixie76.testing.RawSocket;
import io.github.hixie76.testing.Rejections;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Relays on every container of the matrix, in the existing application (its web.xml and
 * AppListener): hixie-76 clients reach the application's own Jakarta {@code @ServerEndpoint}s,
 * served by the container's jakarta.websocket, through relays declared each way (the
 * {@code hixie76.relays} context-param, code, the filter on the endpoint's own URL), and chat
 * with RFC 6455 clients (the JDK's) connected to the endpoint directly; credentials go through
 * to an endpoint under the application's BASIC constraint; a backend that is not there is 502.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#NAMES")
class RelayMatrixIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Parameter
    String containerName;

    private Container app;
    @AutoClose
    private final Opened opened = new Opened();

    @BeforeEach
    void start() {
        app = Container.get(containerName, FixtureApp.build(containerName), FixtureApp.CONTEXT_PATH);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/relay/chat", "/relay/coded", "/jakarta/chat"})
    void hixie76AndRfc6455ClientsChatThroughTheRelay(String relay) throws Exception {
        JdkWebSocketClient modern = JdkWebSocketClient.connect(app.uri("/jakarta/chat"), null, WAIT);
        opened.add(modern);
        modern.send("joined", WAIT);
        assertEquals("joined", modern.awaitMessage(WAIT), "in the room: the room sends to its sender too");

        Hixie76Client legacy = Hixie76Client.connect(app.uri(relay));
        opened.add(legacy::close);
        legacy.send("from hixie-76 ✓");
        assertEquals("from hixie-76 ✓", legacy.awaitMessage(WAIT));
        assertEquals("from hixie-76 ✓", modern.awaitMessage(WAIT));
        modern.send("from RFC 6455", WAIT);
        assertEquals("from RFC 6455", legacy.awaitMessage(WAIT));
        assertEquals("from RFC 6455", modern.awaitMessage(WAIT));

        legacy.close();
        assertTrue(legacy.closeReceived(), "FF 00 answered by the relay");
    }

    @Test
    void credentialsReachAnEndpointUnderTheApplicationsConstraint() throws Exception {
        String request = RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/relay/whoami")
                .replace("Sec-WebSocket-Protocol: sample\r\n", "")
                .replace("\r\n\r\n", "\r\nAuthorization: " + Container.BASIC_AUTHORIZATION + "\r\n\r\n");
        try (RawSocket raw = new RawSocket(app.port())) {
            raw.write(RawSocket.withKey3(request));
            RawSocket.Head head = raw.readHead();
            assertEquals(101, head.status(), head.statusLine());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
            byte[] greeting = FrameEncoder.text("jakarta:" + Container.USER).array();
            assertArrayEquals(greeting, raw.readExactly(greeting.length), "the backend saw the user");
        }
    }

    /** Without credentials the backend's refusal is named; a backend that is not there is unreachable. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"/relay/whoami, with 401", "/relay/gone, unreachable"})
    void aBackendFailureIs502NamingWhy(String relay, String why) throws Exception {
        HandshakeException refused = Rejections.expectRejection(app.uri(relay), 502);
        assertTrue(refused.body().contains(why), refused.body());
    }

    @Test
    void plainRequestsAndRfc6455OnTheFilteredUrlReachTheApplication() throws IOException {
        JdkWebSocketClient modern = JdkWebSocketClient.connect(app.uri("/jakarta/chat"), null, WAIT);
        opened.add(modern);
        modern.send("direct", WAIT);
        assertEquals("direct", modern.awaitMessage(WAIT));
    }
}
