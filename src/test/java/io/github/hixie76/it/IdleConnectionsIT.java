package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Container;
import io.github.hixie76.testing.JdkWebSocketClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * hixie-76 has no ping, so an idle connection must survive the container's timeouts. Jetty
 * 12.1 would end a servlet-upgraded connection after 30 s, busy or idle (its async timeout and
 * its connector idle timeout), and its jakarta.websocket sessions after 30 s of idleness (its
 * default session idle timeout), which {@code idleTimeoutMs} (0: off) replaces. One connection
 * of each protocol per container, idle together for 35 s.
 */
class IdleConnectionsIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void idleConnectionsOfBothProtocolsStillEchoAfter35SecondsOnEveryContainer() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.builder().readTimeout(WAIT).build();
        Map<String, Hixie76Client> hixie76 = new LinkedHashMap<>();
        Map<String, JdkWebSocketClient> rfc6455 = new LinkedHashMap<>();
        try {
            for (String name : Container.NAMES) {
                Hixie76Client client = Hixie76Client.connect(Container.get(name).uri("/echo"), options);
                hixie76.put(name, client);
                client.send("before");
                assertEquals("before", client.receive(), name);
                JdkWebSocketClient peer = JdkWebSocketClient.connect(Container.get(name).uri("/echo"), null, WAIT);
                rfc6455.put(name, peer);
                peer.send("before", WAIT);
                assertEquals("before", peer.awaitMessage(WAIT), name);
            }
            // The idleness is what is under test: nothing crosses the connections for 35 s.
            Thread.sleep(35_000);
            for (String name : Container.NAMES) {
                hixie76.get(name).send("after 35 s");
                assertEquals("after 35 s", hixie76.get(name).receive(), name + ", hixie-76");
                JdkWebSocketClient peer = rfc6455.get(name);
                assertFalse(peer.isClosed(), name + ", RFC 6455: closed while idle");
                peer.send("after 35 s", WAIT);
                assertEquals("after 35 s", peer.awaitMessage(WAIT), name + ", RFC 6455");
            }
        } finally {
            hixie76.values().forEach(client -> {
                try {
                    client.close();
                } catch (java.io.IOException e) {
                    // the test's outcome is what it asserted
                }
            });
            rfc6455.values().forEach(JdkWebSocketClient::close);
        }
    }
}
