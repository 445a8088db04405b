package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.JettyServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jetty ends a servlet-upgraded connection after 30 s, busy or idle, unless the upgrade lifts
 * both the async timeout and the connector idle timeout (notes §5). hixie-76 has no ping, so
 * an idle connection must survive.
 */
class IdleConnectionTest {

    @RegisterExtension
    static final JettyServer SERVER = JettyServer.demo();

    @Test
    void anIdleConnectionStillEchoesAfter35Seconds() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.defaults().readTimeout(Duration.ofSeconds(5));
        try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"), options)) {
            client.send("before");
            assertEquals("before", client.receive());
            // The idleness is what is under test: nothing crosses the connection for 35 s.
            Thread.sleep(35_000);
            client.send("after 35 s");
            assertEquals("after 35 s", client.receive());
        }
    }
}
