package io.github.hixie76.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.demo.EchoEndpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness itself: the webapp-directory mode (the WAR mode is JettyServerWarIT's, after
 * packaging), the clients it hands out and closes, TLS, and its errors. The endpoints mode
 * runs under most tests of this build.
 */
class JettyServerTest {

    @RegisterExtension
    static final JettyServer WEBAPP = JettyServer.webapp(Path.of("webapp")).withTls();

    @Test
    void servesAWebappDirectory() throws Exception {
        Hixie76Client echo = WEBAPP.connect("/echo");
        Hixie76Client chat = WEBAPP.connect(WEBAPP.baseUri().resolve("chat"), Hixie76Client.Options.defaults());
        echo.send("from a webapp directory");
        chat.send("chat too");
        assertEquals("from a webapp directory", echo.awaitMessage(Duration.ofSeconds(5)));
        assertEquals("chat too", chat.awaitMessage(Duration.ofSeconds(5)));
    }

    @Test
    void baseUriIsTheRootOfThePlainConnector() {
        assertEquals(URI.create("ws://127.0.0.1:" + WEBAPP.port() + "/"), WEBAPP.baseUri());
    }

    @Test
    void connectsOverTlsWithTheGeneratedCertificate() throws Exception {
        Hixie76Client client = WEBAPP.connect(WEBAPP.secureUri("/echo"), Hixie76Client.Options.defaults());
        client.send("secure");
        assertEquals("secure", client.awaitMessage(Duration.ofSeconds(5)));
        assertEquals("CN=127.0.0.1", WEBAPP.tlsCertificate().getSubjectX500Principal().getName());
    }

    @Test
    void closesItsClientsWithTheClosingHandshakeAfterEachTest() throws Exception {
        JettyServer.endpoints(Map.of("/echo", EchoEndpoint.class), Map.of()).runWith(server -> {
            Hixie76Client client = server.connect("/echo");
            server.afterEach(null);
            assertTrue(client.closeReceived(), "the server answered the client's FF 00");
            assertThrows(IOException.class, () -> client.send("after the test"));
        });
    }

    @Test
    void refusesAMissingWebapp() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JettyServer.webapp(Path.of("no-such-dir")).beforeAll(null));
        assertEquals("expected a webapp directory, got " + Path.of("no-such-dir").toAbsolutePath(), missing.getMessage());
    }

    @Test
    void saysHowToRegisterItWhenNotStarted() {
        IllegalStateException notStarted = assertThrows(IllegalStateException.class,
                () -> JettyServer.endpoints(Map.of(), Map.of()).uri("/echo"));
        assertEquals("the server is not running: register JettyServer on a static field with @RegisterExtension",
                notStarted.getMessage());
    }

    @Test
    void saysHowToGetTls() throws Exception {
        JettyServer.endpoints(Map.of("/echo", EchoEndpoint.class), Map.of()).runWith(plain -> {
            IllegalStateException noTls = assertThrows(IllegalStateException.class, plain::tlsPort);
            assertEquals("no TLS connector: create the extension with withTls()", noTls.getMessage());
        });
    }
}
