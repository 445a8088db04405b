package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.RawSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo over TLS (wss), with a key pair generated when the test starts. */
class TlsTest {

    @RegisterExtension
    static final JettyServer SERVER = DemoServer.harness().withTls();

    @Test
    void echoesOverWss() throws Exception {
        Hixie76Client.Options options = Hixie76Client.Options.builder().socketFactory(SERVER.tlsSocketFactory()).build();
        // The client checks that Sec-WebSocket-Location is wss://127.0.0.1:port/echo exactly.
        try (Hixie76Client client = Hixie76Client.connect(SERVER.secureUri("/echo"), options)) {
            client.send("secure 😀");
            assertEquals("secure 😀", client.receive());
        }
    }

    /** The port is left out of a wss Location only when it is 443. */
    @ParameterizedTest
    @CsvSource({"example.com, wss://example.com/echo", "example.com:443, wss://example.com/echo",
        "example.com:8443, wss://example.com:8443/echo", "example.com:80, wss://example.com:80/echo"})
    void locationOverTls(String host, String location) throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.tlsSocketFactory().createSocket("127.0.0.1", SERVER.tlsPort()))) {
            raw.write(RawSocket.withKey3(RawSocket.specRequest("/echo").replace("Host: example.com", "Host: " + host)));
            RawSocket.Head head = raw.readHead();
            assertEquals(List.of(location), head.all("Sec-WebSocket-Location"));
            assertArrayEquals(Draft.EXAMPLE.response(), raw.readExactly(16));
        }
    }
}
