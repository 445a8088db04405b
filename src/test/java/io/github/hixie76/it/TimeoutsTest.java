package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Bytes;
import io.github.hixie76.testing.Echo;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.RawSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Handshake and closing timeouts, and the server-initiated closing handshake, on Jetty. */
class TimeoutsTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.endpoints(Map.of("/closing", Echo.class),
            Map.of("handshakeTimeoutMs", "500", "closeTimeoutMs", "700"));

    @Test
    void dropsAClientWhoseKey3NeverCompletes() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            long start = System.nanoTime();
            raw.write(RawSocket.withKey3(RawSocket.specRequest("/closing"), 4));
            assertEquals(101, raw.readHead().status());
            assertArrayEquals(new byte[0], raw.readToEnd(), "no digest without all of key3, then end of stream");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 450 && millis < 5_000, "dropped after " + millis + " ms");
        }
    }

    @Test
    void dropsAClientThatNeverSendsKey3() throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            long start = System.nanoTime();
            raw.write(RawSocket.specRequest("/closing"));
            assertEquals(101, raw.readHead().status(), "the 101 headers go out before key3 arrives");
            assertArrayEquals(new byte[0], raw.readToEnd(), "no digest without key3, then end of stream");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 450 && millis < 5_000, "dropped after " + millis + " ms");
        }
    }

    @Test
    void serverCloseEndsWhenTheClientAnswers() throws Exception {
        try (RawSocket raw = RawSocket.opened(SERVER.port(), "/closing")) {
            raw.write(Bytes.textFrame(Echo.CLOSE));
            assertArrayEquals(Bytes.closeFrame(), raw.readExactly(2));
            long start = System.nanoTime();
            raw.write(Bytes.closeFrame());
            assertArrayEquals(new byte[0], raw.readToEnd(), "nothing after the server's FF 00");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 650, "closed " + millis + " ms after the answer: it waited for the timeout");
        }
    }

    @Test
    void serverCloseEndsAfterTheTimeoutWhenTheClientIsSilent() throws Exception {
        try (RawSocket raw = RawSocket.opened(SERVER.port(), "/closing")) {
            long start = System.nanoTime();
            raw.write(Bytes.textFrame(Echo.CLOSE));
            assertArrayEquals(Bytes.closeFrame(), raw.readToEnd());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 650 && millis < 5_000, "closed after " + millis + " ms");
        }
    }

    @Test
    void clientSeesTheServerClose() throws Exception {
        Hixie76Client client = Hixie76Client.connect(SERVER.uri("/closing"));
        client.send("before");
        client.send(Echo.CLOSE);
        assertEquals("before", client.receive());
        assertEquals(null, client.receive());
        assertTrue(client.closeReceived());
        client.close();
    }
}
