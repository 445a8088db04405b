package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Rejections;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shouter on embedded Jetty: one server on a free port for the class, clients closed after each test. */
class ShouterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(
            Map.of("/shout", Shouter.class),        // url-pattern -> endpoint class
            Map.of("subprotocols", "shout.v1"));     // init-params, as in web.xml

    @Test
    void shoutsBack() throws Exception {
        Hixie76Client client = SERVER.connect(SERVER.uri("/shout"),
                Hixie76Client.Options.builder().subprotocol("shout.v1").build());
        client.send("hello, wörld");
        assertEquals("HELLO, WÖRLD", client.awaitMessage(WAIT));
    }

    @Test
    void closesOnBye() throws Exception {
        Hixie76Client client = SERVER.connect("/shout");
        client.send("bye");
        assertTrue(client.awaitClose(WAIT), "the server sent its closing handshake (FF 00)");
    }

    @Test
    void refusesAnotherSubprotocol() throws Exception {
        HandshakeException refusal = Rejections.expectRejection(SERVER.uri("/shout"),
                Hixie76Client.Options.builder().subprotocol("whisper").build(), 400);
        assertTrue(refusal.body().contains("shout.v1"), refusal.body());
    }
}
