package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Await;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.FixtureApp;
import io.github.hixie76.testing.RawSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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


    @Parameter
    String containerName;

    private Container app;

    @BeforeEach
    void start() {
        app = Container.get(containerName, FixtureApp.build(containerName), FixtureApp.CONTEXT_PATH);
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

    /**
     * Timeouts end connections from the endpoint's timer thread, not a container thread; the
     * socket must close all the same (Tomcat closes an upgraded socket only when asked to
     * process it). 1 s handshake, idle and closing timeouts.
     */
    @Test
    void aClientThatNeverCompletesKey3IsDisconnected() throws Exception {
        try (RawSocket raw = new RawSocket(app.port())) {
            long start = System.nanoTime();
            raw.write(RawSocket.withKey3(RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/impatient"), 4));
            assertEquals(101, raw.readHead().status(), "the 101 headers go out before key3 arrives");
            assertArrayEquals(new byte[0], raw.readToEnd(), "no digest without all of key3, then end of stream");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 4, "ended after " + seconds + " s");
        }
    }

    @Test
    void anIdleClientIsClosedAndDisconnected() throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(app.uri("/impatient"))) {
            client.send("once");
            assertEquals("programmatic: once", client.receive());
            long start = System.nanoTime();
            // the client does not answer the server's FF 00: the closing timeout ends the connection
            assertTrue(client.awaitEnd(), "FF 00 before the end");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds > 0.5 && seconds < 5, "ended after " + seconds + " s");
        }
    }

    /**
     * Clients that vanish every way a client can: reset mid-frame, gone before key3 ends, never
     * sending key3, closing TCP without FF 00. The endpoint's connection count (from the
     * status servlet) returns to 0 and a new client is served.
     */
    @Test
    void abandonedConnectionsAreAllAccountedFor() throws Exception {
        String path = FixtureApp.CONTEXT_PATH + "/abandoned";
        int each = 100;
        long start = System.nanoTime();
        List<RawSocket> silent = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            RawSocket reset = RawSocket.opened(app.port(), path);
            reset.write(new byte[] {0x00, 'p', 'a', 'r', 't'});
            reset.socket().setSoLinger(true, 0);
            reset.close();
            try (RawSocket partial = new RawSocket(app.port())) {
                partial.write(RawSocket.withKey3(RawSocket.specRequest(path), 3));
            }
            RawSocket noKey3 = new RawSocket(app.port());
            noKey3.write(RawSocket.specRequest(path));
            silent.add(noKey3);
            RawSocket.opened(app.port(), path).close();
        }
        AtomicReference<Map<String, Long>> figures = new AtomicReference<>(Map.of());
        try {
            Await.until(() -> "connections and sessions back to 0: " + figures.get(), Duration.ofSeconds(15), () -> {
                try {
                    figures.set(figures("hixie76:/abandoned"));
                } catch (Exception e) {
                    throw new IllegalStateException("the status servlet did not answer", e);
                }
                return figures.get().get("connections") == 0 && figures.get().get("openSessions") == 0;
            });
        } finally {
            for (RawSocket socket : silent) {
                socket.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(figures.get().get("handshake-timeout") >= each, figures.get().toString());
        System.out.printf("%s: %d connections abandoned four ways, all ended in %.1f s%n", app, 4 * each, seconds);
        try (Hixie76Client client = Hixie76Client.connect(app.uri("/abandoned"))) {
            client.send("after");
            assertEquals("programmatic: after", client.receive());
        }
    }

    /** An endpoint's figures from the status servlet (operators only: BASIC credentials). */
    private Map<String, Long> figures(String endpoint) throws Exception {
        HttpGet status = new HttpGet(app.http("/secure/status"));
        status.setHeader("Authorization", Container.BASIC_AUTHORIZATION);
        String json = get(status);
        int at = json.indexOf("{\"name\":\"" + endpoint + "\"");
        assertTrue(at >= 0, json);
        Map<String, Long> figures = new TreeMap<>();
        Matcher number = Pattern.compile("\"([A-Za-z-]+)\":(\\d+)").matcher(json.substring(at, json.indexOf("}}", at)));
        while (number.find()) {
            figures.put(number.group(1), Long.parseLong(number.group(2)));
        }
        return figures;
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
            raw.write(RawSocket.withKey3(RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/secure/whoami")));
            assertEquals(401, raw.readHead().status());
        }
    }

    @Test
    void theEndpointSeesThePrincipalAndTheSessionOfTheLogin() throws Exception {
        String cookie;
        try (CloseableHttpClient http = HttpClients.custom().disableCookieManagement().build()) {
            HttpGet login = new HttpGet(app.http("/secure/login"));
            login.setHeader("Authorization", Container.BASIC_AUTHORIZATION);
            cookie = http.execute(login, response -> {
                assertEquals(200, response.getCode());
                return response.getFirstHeader("Set-Cookie").getValue().split(";")[0];
            });
        }
        String request = RawSocket.specRequest(FixtureApp.CONTEXT_PATH + "/secure/whoami")
                .replace("\r\n\r\n", "\r\nAuthorization: " + Container.BASIC_AUTHORIZATION + "\r\nCookie: " + cookie + "\r\n\r\n");
        try (RawSocket raw = new RawSocket(app.port())) {
            raw.write(RawSocket.withKey3(request));
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
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
