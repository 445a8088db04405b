package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.testing.OneShotServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command-line client against a fake server that breaks one check of a strict client's
 * (draft §4.1 steps 28–46) per test: wscat exits 1 with one line that names the check, what it
 * expected and what it got, and prints no message.
 */
class WscatFailedHandshakeTest {

    /** One broken answer; in {@code failure}, PORT stands for the fake server's port. */
    private record Broken(String name, List<String> options, BiFunction<String, byte[], String> answer, String failure) {
        /** The correct answer with FROM replaced by TO. */
        static Broken editing(String name, List<String> options, String from, String to, String failure) {
            return new Broken(name, options, (head, key3) -> OneShotServer.accept(head, key3).replace(from, to), failure);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> brokenAnswers() {
        return Stream.of(
                new Broken("Location without the port", List.of(), (head, key3) -> OneShotServer.accept(head, key3)
                        .replace("Sec-WebSocket-Location: ws://127.0.0.1:" + port(head) + "/x",
                                "Sec-WebSocket-Location: ws://127.0.0.1/x"),
                        "sec-websocket-location: expected 'ws://127.0.0.1:PORT/x', got 'ws://127.0.0.1/x'"),
                Broken.editing("Location with wss over ws", List.of(),
                        "Sec-WebSocket-Location: ws://", "Sec-WebSocket-Location: wss://",
                        "sec-websocket-location: expected 'ws://127.0.0.1:PORT/x', got 'wss://127.0.0.1:PORT/x'"),
                Broken.editing("Origin not echoed", List.of("-o", "http://app.example"),
                        "Sec-WebSocket-Origin: http://app.example", "Sec-WebSocket-Origin: null",
                        "sec-websocket-origin: expected 'http://app.example', got 'null'"),
                Broken.editing("Upgrade in lower case", List.of(), "Upgrade: WebSocket", "Upgrade: websocket",
                        "upgrade: expected 'WebSocket', got 'websocket'"),
                Broken.editing("no Connection field", List.of(), "Connection: Upgrade\r\n", "",
                        "connection: expected exactly one field, got 0"),
                Broken.editing("subprotocol not echoed", List.of("-s", "chat.v1"), "Sec-WebSocket-Protocol: chat.v1\r\n", "",
                        "sec-websocket-protocol: expected exactly one field, got 0"),
                Broken.editing("another subprotocol", List.of("-s", "chat.v1"),
                        "Sec-WebSocket-Protocol: chat.v1", "Sec-WebSocket-Protocol: chat.v2",
                        "sec-websocket-protocol: expected 'chat.v1', got 'chat.v2'"),
                new Broken("status 200", List.of(), (head, key3) -> "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n",
                        "status: expected 101, got 'HTTP/1.1 200 OK' (hi)"),
                new Broken("digest cut short", List.of(), (head, key3) -> OneShotServer.headers(head) + "12345",
                        "challenge response: expected 16 bytes, got 5 before the connection ended"),
                new Broken("head cut short", List.of(), (head, key3) -> "HTTP/1.1 101 WebSocket Protocol Handshake\r\n",
                        "response: ended after 43 bytes, before its header fields ended"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenAnswers")
    void namesTheFailedCheckWithExpectedAndGot(Broken broken) throws Exception {
        try (OneShotServer server = new OneShotServer(broken.answer())) {
            List<String> args = new ArrayList<>(broken.options());
            args.add(server.uri("/x").toString());
            Run run = wscat(args);
            assertEquals(1, run.exit(), run.stderr());
            String port = String.valueOf(server.uri("/x").getPort());
            assertEquals(List.of("wscat: handshake with " + server.uri("/x") + " failed: "
                    + broken.failure().replace("PORT", port)), run.stderr().lines().toList());
            assertEquals("", run.stdout());
        }
    }

    @Test
    void aWrongDigestShowsTheOneExpected() throws Exception {
        AtomicReference<byte[]> owed = new AtomicReference<>();
        try (OneShotServer server = new OneShotServer((head, key3) -> {
            owed.set(OneShotServer.digest(head, key3));
            return OneShotServer.headers(head) + "\0".repeat(16);
        })) {
            Run run = wscat(List.of(server.uri("/x").toString()));
            assertEquals(1, run.exit(), run.stderr());
            assertEquals(List.of("wscat: handshake with " + server.uri("/x") + " failed: challenge response: expected "
                    + HexFormat.of().formatHex(owed.get()) + ", got " + "00".repeat(16)), run.stderr().lines().toList());
        }
    }

    @Test
    void verboseShowsTheAnswerThatFailed() throws Exception {
        try (OneShotServer server = new OneShotServer((head, key3) -> OneShotServer.accept(head, key3)
                .replace("Sec-WebSocket-Location: ws://", "Sec-WebSocket-Location: wss://"))) {
            Run run = wscat(List.of("-v", server.uri("/x").toString()));
            assertEquals(1, run.exit(), run.stderr());
            List<String> lines = run.stderr().lines().toList();
            assertEquals("> GET /x HTTP/1.1", lines.get(0));
            assertTrue(lines.contains("< HTTP/1.1 101 WebSocket Protocol Handshake"), run.stderr());
            assertTrue(lines.contains("< Sec-WebSocket-Location: wss://127.0.0.1:" + server.uri("/x").getPort() + "/x"),
                    run.stderr());
            assertTrue(lines.get(lines.size() - 1).startsWith("wscat: handshake with " + server.uri("/x")
                    + " failed: sec-websocket-location: expected 'ws://"), run.stderr());
        }
    }

    @Test
    void theFakeServerAnsweringCorrectlyIsAccepted() throws Exception {
        // So that each failure above comes from the one broken part of the answer.
        try (OneShotServer server = new OneShotServer((head, key3) -> OneShotServer.accept(head, key3)
                + "\0from the fake server\u00ff" + "\u00ff\0")) {
            Run run = wscat(List.of("-o", "http://app.example", "-s", "chat.v1", server.uri("/x").toString()));
            assertEquals(0, run.exit(), run.stderr());
            assertEquals("from the fake server\n", run.stdout());
            assertEquals("", run.stderr());
        }
    }

    private static String port(String head) {
        String host = OneShotServer.field(head, "Host");
        return host.substring(host.indexOf(':') + 1);
    }

    /** What one run printed, and its exit status. */
    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run wscat(List<String> args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Wscat.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
    }
}
