package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.JdkWebSocketClient;
import io.github.hixie76.testing.RawSocket;
import io.github.hixie76.testing.SpringBootApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * hixie-76 in a Spring Boot application of its own (src/test/spring-boot: a controller and a
 * page), its packaged executable jar run with {@code java -jar}: Spring Boot 3 on embedded
 * Tomcat 10.1 with the library jar and Spring Boot 2.7 on embedded Tomcat 9 with the javax
 * library jar (the same sources), each registration way README's "Spring Boot" gives (a
 * {@code ServletRegistrationBean}; the library's initializer run from a
 * {@code ServletContextInitializer}, for the context-param and the annotation). The
 * application's own pages answer as before, and {@code /chat} serves hixie-76 and RFC 6455
 * clients in one room.
 */
@ParameterizedClass(name = "{0}, {1}")
@CsvSource({"boot-3, servlet-bean", "boot-3, initializer", "boot-2.7, servlet-bean", "boot-2.7, initializer"})
class SpringBootIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private static SpringBootApp app;

    @Parameter(0)
    String fixture;

    @Parameter(1)
    String profile;

    @BeforeParameterizedClassInvocation
    static void start(String fixture, String profile) throws Exception {
        app = SpringBootApp.start(fixture, profile);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    @Test
    void itsControllerAnswersAsBefore() throws Exception {
        HttpResponse<String> greeting = get("/api/greeting?name=Zo%C3%AB");
        assertEquals(200, greeting.statusCode(), greeting.body());
        assertEquals("hello Zoë from the Spring Boot application", greeting.body());
    }

    @Test
    void itsPageAnswersAsBefore() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("The Spring Boot application's own page"), page.body());
    }

    /** A plain GET on /chat reaches the endpoint's servlet, not Spring MVC: its one-line 400. */
    @Test
    void aPlainGetOnChatIsTheEndpointsRefusal() throws Exception {
        HttpResponse<String> plain = get("/chat");
        assertEquals(400, plain.statusCode(), plain.body());
        assertTrue(plain.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), plain.headers().toString());
    }

    @Test
    void theHandshakeCompletes() throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(app.ws("/chat"))) {
            assertEquals(List.of(app.ws("/chat").toString()), client.responseHeaders().get("sec-websocket-location"),
                    client.responseHeaders().toString());
        }
    }

    /** key3 sent only once the 101 headers have been read: the upgraded connection reads it. */
    @Test
    void key3AfterTheResponseHeaders() throws Exception {
        try (RawSocket raw = new RawSocket(app.port())) {
            raw.write(RawSocket.specRequest("/chat"));
            assertEquals(101, raw.readHead().status(), "the 101 headers go out before key3 arrives");
            raw.write(Draft.EXAMPLE.key3());
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
            raw.write(FrameEncoder.text("late").array());
            assertArrayEquals(FrameEncoder.text("late").array(), raw.readExactly(6), "the chat sends it back to its sender");
        }
    }

    /** Each of three clients sends one message; each client gets the three, and nothing more. */
    @Test
    void threeClientsChatExactlyOnce() throws Exception {
        List<Hixie76Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(Hixie76Client.connect(app.ws("/chat")));
            }
            List<String> sent = new ArrayList<>();
            for (Hixie76Client sender : clients) {
                String text = "from " + sent.size() + " " + UUID.randomUUID();
                sender.send(text);
                sent.add(text);
                for (Hixie76Client receiver : clients) {
                    assertEquals(text, receiver.receive());
                }
            }
            for (Hixie76Client client : clients) {
                client.close();
                assertTrue(client.closeReceived(), "the server answered FF 00");
                assertNull(client.receive(), "nothing after the messages: each came once");
            }
        } finally {
            for (Hixie76Client client : clients) {
                client.close();
            }
        }
    }

    /**
     * An RFC 6455 client (the JDK's, through the embedded Tomcat's jakarta.websocket) and two
     * hixie-76 clients in the same /chat room: every message reaches all three, once.
     */
    @Test
    void anRfc6455ClientChatsWithHixie76Clients() throws Exception {
        try (JdkWebSocketClient modern = JdkWebSocketClient.connect(app.ws("/chat"), null, WAIT);
                Hixie76Client first = Hixie76Client.connect(app.ws("/chat"));
                Hixie76Client second = Hixie76Client.connect(app.ws("/chat"))) {
            String fromModern = "RFC 6455 h\u00e9llo \uD83D\uDE00 " + UUID.randomUUID();
            modern.send(fromModern, WAIT);
            assertEquals(fromModern, modern.awaitMessage(WAIT));
            assertEquals(fromModern, first.receive());
            assertEquals(fromModern, second.receive());

            String fromOld = "hixie-76 " + UUID.randomUUID();
            first.send(fromOld);
            assertEquals(fromOld, modern.awaitMessage(WAIT));
            assertEquals(fromOld, first.receive());
            assertEquals(fromOld, second.receive());

            modern.sendClose(1000, "done", WAIT);
            assertEquals(1000, modern.awaitClose(WAIT).code());
            assertNull(modern.awaitMessage(WAIT), "nothing after the messages: each came once");
            for (Hixie76Client old : List.of(first, second)) {
                old.close();
                assertNull(old.receive(), "nothing after the messages: each came once");
            }
        }
    }

    /**
     * The annotated endpoint ({@code @EndpointPath("/echo")}) is served where the library's
     * initializer runs, and only there: Spring Boot's embedded server does not run the
     * initializer of a jar by itself, so with the servlet bean alone /echo is Spring MVC's 404.
     */
    @Test
    void theAnnotatedEndpointServesWhereTheInitializerRuns() throws Exception {
        if (profile.equals("initializer")) {
            try (Hixie76Client client = Hixie76Client.connect(app.ws("/echo"))) {
                client.send("hi \u2713");
                assertEquals("echo: hi \u2713", client.receive());
            }
        } else {
            assertEquals(404, get("/echo").statusCode());
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        URI uri = app.http(path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
