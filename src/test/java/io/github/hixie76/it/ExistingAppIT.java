package io.github.hixie76.it;

import static io.github.hixie76.testing.RawSocket.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.FixtureApp;
import io.github.hixie76.testing.RawSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * hixie-76 mounted next to an existing web application (src/test/webapps/existing-app) with
 * the library jar in its WEB-INF/lib, on every container: its pages answer as before, and its
 * endpoints, registered each way the library offers, work, under its own security.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("io.github.hixie76.testing.Container#NAMES")
class ExistingAppIT {

    private static final String BASIC = "Basic "
            + Base64.getEncoder().encodeToString((Container.USER + ":" + Container.PASSWORD).getBytes(StandardCharsets.UTF_8));

    @Parameter
    String containerName;

    private Container app;

    @BeforeEach
    void start() {
        app = Container.get(containerName, FixtureApp.build(), FixtureApp.CONTEXT_PATH);
    }

    @ParameterizedTest
    @CsvSource({"/index.html, home page", "/live.html, live page", "/api/hello, hello from the existing application"})
    void itsPagesAnswerAsBefore(String path, String content) throws Exception {
        assertTrue(get(new HttpGet(app.http(path))).contains(content));
    }

    @Test
    void itsFormsAnswerAsBefore() throws Exception {
        HttpPost post = new HttpPost(app.http("/api/hello"));
        post.setEntity(new UrlEncodedFormEntity(List.of(new BasicNameValuePair("name", "Zoë")), StandardCharsets.UTF_8));
        assertEquals("posted Zoë", get(post));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/declared, declared", "/annotated, annotated", "/programmatic, programmatic", "/live.html, live"})
    void endpointsRegisteredEachWayServe(String path, String route) throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(app.uri(path))) {
            client.send("hi ✓");
            assertEquals(route + ": hi ✓", client.receive());
        }
    }

    @Test
    void programmaticRegistrationAppliesItsLimits() throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(app.uri("/programmatic"))) {
            client.send("x".repeat(1024));
            assertEquals("programmatic: " + "x".repeat(1024), client.receive());
            client.send("x".repeat(1025));
            assertNull(client.receive(), "a message over the 1 KiB limit ends the connection");
        }
    }

    /** The filter takes hixie-76 handshakes only: an RFC 6455 upgrade still reaches the page. */
    @Test
    void filterPassesOtherUpgradesToTheApplication() throws Exception {
        HttpGet rfc6455 = new HttpGet(app.http("/live.html"));
        rfc6455.setHeader("Upgrade", "websocket");
        rfc6455.setHeader("Connection", "Upgrade");
        rfc6455.setHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        rfc6455.setHeader("Sec-WebSocket-Version", "13");
        assertTrue(get(rfc6455).contains("live page"));
    }

    @Test
    void itsSecurityConstraintAppliesToTheUpgrade() throws Exception {
        try (RawSocket raw = new RawSocket(app.port())) {
            raw.write(RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/secure/whoami") + RawSocket.SPEC_KEY3);
            assertEquals(401, raw.readHead().status());
        }
    }

    @Test
    void theEndpointSeesThePrincipalAndTheSessionOfTheLogin() throws Exception {
        String cookie;
        try (CloseableHttpClient http = HttpClients.custom().disableCookieManagement().build()) {
            HttpGet login = new HttpGet(app.http("/secure/login"));
            login.setHeader("Authorization", BASIC);
            cookie = http.execute(login, response -> {
                assertEquals(200, response.getCode());
                return response.getFirstHeader("Set-Cookie").getValue().split(";")[0];
            });
        }
        String request = RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/secure/whoami")
                .replace("\r\n\r\n", "\r\nAuthorization: " + BASIC + "\r\nCookie: " + cookie + "\r\n\r\n");
        try (RawSocket raw = new RawSocket(app.port())) {
            raw.write(request + RawSocket.SPEC_KEY3);
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(bytes(RawSocket.SPEC_RESPONSE), raw.readExactly(16));
            byte[] greeting = FrameEncoder.text(Container.USER + "|Display " + Container.USER).array();
            assertArrayEquals(greeting, raw.readExactly(greeting.length));
        }
    }

    private static String get(ClassicHttpRequest request) throws Exception {
        try (CloseableHttpClient http = HttpClients.createDefault()) {
            return http.execute(request, response -> {
                assertEquals(200, response.getCode(), request.getRequestUri());
                return EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            });
        }
    }

}
