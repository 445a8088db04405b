package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.testing.DemoServer;
import io.github.hixie76.testing.JettyServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command-line client run in-process against the demo, over ws and wss. */
class WscatTest {

    @RegisterExtension
    static final JettyServer DEMO = DemoServer.harness().withTls();

    /** What one run printed, and its exit status. */
    private record Run(int exit, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines().toList();
        }
    }

    private static Run wscat(String stdin, String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Wscat.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
    }

    @Test
    void echoesEachTypedLine() {
        Run run = wscat("hello\nwörld 😀\n\nlast line without newline", DEMO.uri("/echo").toString());
        assertEquals(0, run.exit(), run.stderr());
        assertEquals(List.of("hello", "wörld 😀", "", "last line without newline"), run.stdout().lines().toList());
        assertEquals("", run.stderr());
    }

    @Test
    void verbosePrintsTheHandshakeBytes() throws Exception {
        Run run = wscat("hi\n", "-v", DEMO.uri("/echo").toString());
        assertEquals(0, run.exit(), run.stderr());
        List<String> lines = run.errorLines();
        assertEquals("> GET /echo HTTP/1.1", lines.get(0));
        assertTrue(lines.contains("< Sec-WebSocket-Location: " + DEMO.uri("/echo")), run.stderr());
        assertTrue(lines.stream().anyMatch(line -> line.matches("< HTTP/1\\.1 101 .*")), run.stderr());
        byte[] expected = OpeningHandshake.response(
                OpeningHandshake.keyPart("Sec-WebSocket-Key1", after(lines, "> Sec-WebSocket-Key1: ")),
                OpeningHandshake.keyPart("Sec-WebSocket-Key2", after(lines, "> Sec-WebSocket-Key2: ")),
                HexFormat.of().parseHex(after(lines, "> key3 (8 bytes, hex): ")));
        assertEquals(HexFormat.of().formatHex(expected), after(lines, "< response (16 bytes, hex): "));
        assertTrue(lines.contains("> FF 00 (closing handshake)") && lines.contains("< FF 00 (closing handshake)"),
                run.stderr());
        assertEquals("hi\n", run.stdout());
    }

    @Test
    void sendsTheOriginAndSubprotocolGiven() {
        Run run = wscat("", "-v", "--origin", "http://example.org", "-s", "chat.v1", DEMO.uri("/echo").toString());
        assertEquals(0, run.exit(), run.stderr());
        List<String> lines = run.errorLines();
        assertTrue(lines.contains("> Origin: http://example.org"), run.stderr());
        assertTrue(lines.contains("< Sec-WebSocket-Origin: http://example.org"), run.stderr());
        assertTrue(lines.contains("< Sec-WebSocket-Protocol: chat.v1"), run.stderr());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1/echo | expected a ws:// or wss:// URL, got 'http://127.0.0.1/echo'",
        "ws://         | not a URL: Expected authority at index 5: ws://",
        "--frobnicate  | unknown option --frobnicate",
        "-o            | --origin needs a value",
        "''            | no URL given"})
    void aBadCommandLineIsAUsageError(String arg, String message) {
        Run run = wscat("", arg.isEmpty() ? new String[0] : new String[] {arg});
        assertEquals(2, run.exit());
        assertEquals(List.of("wscat: " + message, Wscat.USAGE), run.errorLines());
        assertEquals("", run.stdout());
    }

    @Test
    void helpGoesToStandardOutput() {
        Run run = wscat("", "--help");
        assertEquals(0, run.exit());
        assertTrue(run.stdout().startsWith(Wscat.USAGE + "\n"), run.stdout());
    }

    @Test
    void aRefusedHandshakeNamesTheStatusCheck() {
        Run run = wscat("never sent\n", DEMO.uri("/nowhere").toString());
        assertEquals(1, run.exit());
        assertEquals(List.of("wscat: handshake with " + DEMO.uri("/nowhere")
                + " failed: status: expected 101, got 'HTTP/1.1 404 Not Found' (an HTML error page)"), run.errorLines());
        assertEquals("", run.stdout());
    }

    @Test
    void aClosedPortIsAConnectionFailure() throws Exception {
        int port;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            port = unused.getLocalPort();
        }
        Run run = wscat("", "ws://127.0.0.1:" + port + "/echo");
        assertEquals(1, run.exit());
        assertEquals(List.of("wscat: cannot connect to ws://127.0.0.1:" + port + "/echo: Connection refused"),
                run.errorLines());
    }

    @Test
    void wssWithTheServersCertificate(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(DEMO.tlsCertificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Run run = wscat("secure 😀\n", "--cacert", pem.toString(), DEMO.secureUri("/echo").toString());
        assertEquals(0, run.exit(), run.stderr());
        assertEquals("secure 😀\n", run.stdout());
    }

    @Test
    void wssWithAnyCertificateWhenInsecure() {
        Run run = wscat("insecure\n", "-k", DEMO.secureUri("/echo").toString());
        assertEquals(0, run.exit(), run.stderr());
        assertEquals("insecure\n", run.stdout());
    }

    @Test
    void wssRefusesAnUntrustedCertificate() {
        Run run = wscat("", DEMO.secureUri("/echo").toString());
        assertEquals(1, run.exit());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.stderr().startsWith("wscat: cannot connect to " + DEMO.secureUri("/echo") + ": TLS: "), run.stderr());
        assertTrue(run.stderr().strip().endsWith("(for a test server's certificate see --cacert and --insecure)"),
                run.stderr());
    }

    private static String after(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in " + lines));
    }
}
