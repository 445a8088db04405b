package io.github.hixie76.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.client.Hixie76Client;
import io.github.hixie76.server.EndpointMetricsMXBean;
import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import io.github.hixie76.testing.Draft;
import io.github.hixie76.testing.RawSocket;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMX;
import javax.management.ObjectName;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo's metrics after known traffic, as JSON from /status and from JMX, and the log lines
 * of rejected handshakes: one per rejection at FINE (System.Logger DEBUG), without a stack trace.
 */
class ObservabilityTest {

    @RegisterExtension
    static final JettyServer SERVER = DemoServer.harness();

    private static final String LOGGER = "io.github.hixie76.server.EndpointHost";

    @Test
    void metricsCountTrafficAndRejectionsAndLogEachRejectionOnce() throws Exception {
        Map<String, Long> before = echoFigures(status());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger project = Logger.getLogger("io.github.hixie76");
        Level level = project.getLevel();
        project.setLevel(Level.ALL);
        project.addHandler(capture);
        try {
            try (Hixie76Client client = Hixie76Client.connect(SERVER.uri("/echo"))) {
                client.send("héllo");
                assertEquals("héllo", client.receive());
                client.send("x");
                assertEquals("x", client.receive());
            }
            rejected(RawSocket.specRequest("/echo").replace("Sec-WebSocket-Key2: " + Draft.EXAMPLE.key2() + "\r\n", ""),
                    400);
            // hixie-75: no keys (RFC 6455 requests are served, through the container)
            rejected("GET /echo HTTP/1.1\r\nHost: example.com\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
                    + "Origin: http://example.com\r\n\r\n", 400);
        } finally {
            project.removeHandler(capture);
            project.setLevel(level);
        }

        // each frame in: 00, UTF-8, FF; then the client's FF 00; key3 (8) is part of the stream
        long in = 8 + (1 + 6 + 1) + (1 + 1 + 1) + 2;
        // the 16-byte digest, two echoes and the answering FF 00
        long out = 16 + (1 + 6 + 1) + (1 + 1 + 1) + 2;
        Map<String, Long> after = echoFigures(status());
        assertEquals(1, after.get("handshakesAccepted") - before.get("handshakesAccepted"));
        assertEquals(2, after.get("messagesIn") - before.get("messagesIn"));
        assertEquals(2, after.get("messagesOut") - before.get("messagesOut"));
        assertEquals(in, after.get("bytesIn") - before.get("bytesIn"));
        assertEquals(out, after.get("bytesOut") - before.get("bytesOut"));
        assertEquals(1, after.getOrDefault("malformed", 0L) - before.getOrDefault("malformed", 0L));
        assertEquals(1, after.getOrDefault("other-draft", 0L) - before.getOrDefault("other-draft", 0L));
        assertEquals(0, after.get("openSessions"));

        EndpointMetricsMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                new ObjectName("io.github.hixie76:type=Endpoint,context=\"/\",name=\"echo\""), EndpointMetricsMXBean.class);
        assertEquals(after.get("handshakesAccepted"), jmx.getHandshakesAccepted());
        assertEquals(after.get("bytesIn"), jmx.getBytesIn());
        assertEquals(after.get("bytesOut"), jmx.getBytesOut());
        assertEquals(after.get("messagesIn"), jmx.getMessagesIn());
        assertEquals(after.get("malformed"), jmx.getHandshakesRejected().get("malformed"));

        List<LogRecord> rejections = records.stream().filter(r -> r.getLoggerName().equals(LOGGER)).toList();
        assertEquals(2, rejections.size(), "one line per rejected handshake: " + rejections.stream().map(ObservabilityTest::text).toList());
        for (LogRecord record : rejections) {
            assertEquals(Level.FINE, record.getLevel());
            assertNull(record.getThrown(), "no stack trace for a client's mistake");
            assertTrue(text(record).startsWith("echo: rejected handshake from 127.0.0.1: 400 "), text(record));
        }
        assertTrue(text(rejections.get(0)).contains("Sec-WebSocket-Key2"), text(rejections.get(0)));
        for (LogRecord record : records) {
            assertTrue(record.getLevel().intValue() < Level.WARNING.intValue() && record.getThrown() == null,
                    "nothing above FINE, no stack trace: " + text(record));
        }
    }

    private static void rejected(String request, int status) throws Exception {
        try (RawSocket raw = new RawSocket(SERVER.port())) {
            raw.write(RawSocket.withKey3(request));
            assertEquals(status, raw.readHead().status());
        }
    }

    private static String status() throws Exception {
        try (CloseableHttpClient http = HttpClients.createDefault()) {
            return http.execute(new HttpGet(SERVER.uri("/status").toString().replace("ws:", "http:")), response -> {
                assertEquals(200, response.getCode());
                assertTrue(response.getEntity().getContentType().startsWith("application/json"));
                return EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            });
        }
    }

    /** The echo endpoint's numbers in the status JSON, rejection reasons included by name. */
    private static Map<String, Long> echoFigures(String json) {
        assertTrue(json.startsWith("{\"endpoints\":[") && json.endsWith("]}"), json);
        Matcher echo = Pattern.compile("\\{\"name\":\"echo\",(.*?\"connectionsDropped\":\\{[^}]*}),\"bus\":\\{[^}]*}}").matcher(json);
        assertTrue(echo.find(), json);
        Map<String, Long> figures = new java.util.TreeMap<>();
        Matcher number = Pattern.compile("\"([A-Za-z-]+)\":(\\d+)").matcher(echo.group(1));
        while (number.find()) {
            figures.put(number.group(1), Long.parseLong(number.group(2)));
        }
        return figures;
    }

    private static String text(LogRecord record) {
        return new java.util.logging.SimpleFormatter().formatMessage(record);
    }
}
