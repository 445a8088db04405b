package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.Container;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * hixie-76 has no ping, so an idle connection must survive the container's timeouts. Jetty
 * 12.1 would end a servlet-upgraded connection after 30 s, busy or idle (its async timeout and
 * its connector idle timeout, notes §5). One connection per container, idle together for 35 s.
 */
class IdleConnectionsIT {

    @Test
    void idleConnectionsStillEchoAfter35SecondsOnEveryContainer() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.builder().readTimeout(Duration.ofSeconds(5)).build();
        Map<String, Hixie76Client> clients = new LinkedHashMap<>();
        try {
            for (String name : Container.NAMES) {
                Hixie76Client client = Hixie76Client.connect(Container.get(name).uri("/echo"), options);
                clients.put(name, client);
                client.send("before");
                assertEquals("before", client.receive(), name);
            }
            // The idleness is what is under test: nothing crosses the connections for 35 s.
            Thread.sleep(35_000);
            for (Map.Entry<String, Hixie76Client> entry : clients.entrySet()) {
                entry.getValue().send("after 35 s");
                assertEquals("after 35 s", entry.getValue().receive(), entry.getKey());
            }
        } finally {
            for (Hixie76Client client : clients.values()) {
                client.close();
            }
        }
    }
}
