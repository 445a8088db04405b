package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.demo.EchoEndpoint;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An endpoint with an origin allow-list against a running server: listed origins connect
 * (compared exactly, ignoring case), the literal origin "null" and file: pages of old devices
 * only when listed as such, everything else gets 403 before the upgrade. The open endpoint
 * (no list, the default) takes any origin.
 */
class OriginPolicyTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/guarded", EchoEndpoint.class),
            Map.of("allowedOrigins", "https://app.example, http://kiosk.example:8080, null, file://"));

    @RegisterExtension
    static final JettyServer OPEN = JettyServer.endpoints(Map.of("/open", EchoEndpoint.class), Map.of());

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example", "HTTPS://APP.EXAMPLE", "http://kiosk.example:8080", "null",
            "file://", "file:///var/mobile/Applications/page.html"})
    void listedOriginsConnect(String origin) throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/guarded"),
                Hixie76Client.Options.builder().origin(origin).build())) {
            assertEquals(List.of(origin), client.responseHeaders().get("sec-websocket-origin"));
            client.send("from " + origin);
            assertEquals("from " + origin, client.receive());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "http://app.example", "https://app.example:443",
            "https://app.example.evil.example", "http://kiosk.example", "nul", "https://null"})
    void otherOriginsGet403(String origin) {
        HandshakeException refused = assertThrows(HandshakeException.class, () -> Hixie76Client.connect(
                SERVER.uri("/guarded"), Hixie76Client.Options.builder().origin(origin).build()));
        assertEquals(403, refused.status());
        assertEquals("origin '" + origin + "' is not allowed here", refused.body().strip());
    }

    @Test
    void aRefusalIsPlainTextAndTheConnectionCloses() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest("/guarded").replace("http://example.com", "https://evil.example")));
            RawSocket.Head head = raw.readHead();
            assertEquals(403, head.status());
            assertTrue(head.all("content-type").get(0).startsWith("text/plain"), head.headers().toString());
            assertEquals(List.of("close"), head.all("connection"));
            assertTrue(new String(raw.readToEnd(), java.nio.charset.StandardCharsets.UTF_8).contains("not allowed"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "null", "file://"})
    void withoutAListAnyOriginConnects(String origin) throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(OPEN.uri("/open"),
                Hixie76Client.Options.builder().origin(origin).build())) {
            client.send("hi");
            assertEquals("hi", client.receive());
        }
    }
}
