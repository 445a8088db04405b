package io.github.hixie76.testing;

import io.github.hixie76.client.HandshakeException;
import io.github.hixie76.client.Hixie76Client;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Checks a deployed demo WAR from outside, with the project's own strict client: the
 * handshake, echo, chat broadcast, the closing handshake and the refusal of a bad handshake;
 * and RFC 6455 through the container's jakarta.websocket with the JDK's client: echo, the
 * closing handshake, and a chat message reaching a hixie-76 client.
 *
 * <p>Usage: {@code java -cp target/classes:target/test-classes io.github.hixie76.testing.DeploymentCheck
 * ws://127.0.0.1:8080/hixie76-servlet [--idle SECONDS]}. Prints {@code PASS <name>} or
 * {@code FAIL <name>: <why>} per check, then {@code N passed, M failed}; exits 0 only when every
 * check passed. Every wait is bounded: the client's connect and read timeouts, and a deadline
 * per check.
 *
 * <p>{@code --idle SECONDS} adds a check that a connection left idle that long still echoes:
 * run against a container whose idle timeout is shorter, it shows that upgraded connections
 * escape it (hixie-76 has no ping to keep them busy).
 */
public final class DeploymentCheck {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(45);

    /** A check: returns normally when it passed, throws with the reason otherwise. */
    private interface Check {
        void run() throws Exception;
    }

    private final URI base;
    private final Hixie76Client.Options options = Hixie76Client.Options.builder()
            .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).build();
    private int passed;
    private int failed;

    private DeploymentCheck(URI base) {
        this.base = base;
    }

    public static void main(String[] args) {
        int idleSeconds = 0;
        if (args.length == 3 && args[1].equals("--idle") && args[2].matches("[1-9][0-9]{0,2}")) {
            idleSeconds = Integer.parseInt(args[2]);
        } else if (args.length != 1) {
            System.err.println("usage: DeploymentCheck ws://HOST:PORT/CONTEXT [--idle SECONDS]");
            System.exit(2);
        }
        String url = args[0].endsWith("/") ? args[0].substring(0, args[0].length() - 1) : args[0];
        URI base;
        try {
            base = URI.create(url);
        } catch (IllegalArgumentException e) {
            System.err.println("not a URL: " + url);
            System.exit(2);
            return;
        }
        DeploymentCheck check = new DeploymentCheck(base);
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "deployment-check");
            thread.setDaemon(true);
            return thread;
        });
        check.run(executor, "handshake /echo", check::handshake);
        check.run(executor, "echo ascii", () -> check.echo("hello, hixie-76"));
        check.run(executor, "echo utf-8 with a 4-byte character",
                () -> check.echo("h\u00e9llo \u20ac \u4e16\u754c \uD83D\uDE00 \uD834\uDD1E"));
        check.run(executor, "key3 300 ms after the headers", check::lateKey3);
        check.run(executor, "chat to 3 clients exactly once", check::chat);
        check.run(executor, "closing handshake from the client", check::close);
        check.run(executor, "plain GET to /echo refused with 4xx", check::plainGet);
        check.run(executor, "RFC 6455 echo on /echo (java.net.http.WebSocket)", check::rfc6455Echo);
        check.run(executor, "RFC 6455 chat message reaches a hixie-76 client on /chat", check::mixedChat);
        if (idleSeconds > 0) {
            int seconds = idleSeconds;
            check.run(executor, "echo after " + seconds + " s idle (a plain connection was closed)",
                    () -> check.idle(seconds), CHECK_DEADLINE.plusSeconds(seconds));
        }
        System.out.println(check.passed + " passed, " + check.failed + " failed");
        System.exit(check.failed == 0 ? 0 : 1);
    }

    private void run(ExecutorService executor, String name, Check check) {
        run(executor, name, check, CHECK_DEADLINE);
    }

    private void run(ExecutorService executor, String name, Check check, Duration deadline) {
        Future<?> result = executor.submit(() -> {
            check.run();
            return null;
        });
        try {
            result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            passed++;
            System.out.println("PASS " + name);
        } catch (ExecutionException e) {
            failed++;
            System.out.println("FAIL " + name + ": " + describe(e.getCause()));
        } catch (TimeoutException e) {
            result.cancel(true);
            failed++;
            System.out.println("FAIL " + name + ": not done within " + deadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed++;
            System.out.println("FAIL " + name + ": interrupted");
        }
        System.out.flush();
    }

    /** The reason on one line, short enough to read: a server's HTML error page is cut. */
    private static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof HandshakeException refused && refused.body().stripLeading().startsWith("<")) {
            message = message.replace(" (" + refused.body().strip() + ")", " (an HTML error page)");
        }
        String text = e instanceof AssertionError ? message : e.getClass().getSimpleName() + ": " + message;
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private URI endpoint(String path) {
        return URI.create(base + path);
    }

    // ---- the checks

    /** (a) The strict client completes the handshake: status, headers, origin, location, digest. */
    private void handshake() throws IOException {
        Hixie76Client client = Hixie76Client.connect(endpoint("/echo"), options);
        closeQuietly(client);
    }

    /** (b) One text message comes back unchanged. */
    private void echo(String text) throws IOException {
        try (Hixie76Client client = Hixie76Client.connect(endpoint("/echo"), options)) {
            client.send(text);
            String reply = client.receive();
            if (reply == null) {
                throw new AssertionError("the server closed instead of echoing");
            }
            if (!reply.equals(text)) {
                throw new AssertionError("sent " + codePoints(text) + ", got " + codePoints(reply));
            }
        }
    }

    /**
     * (c) One message reaches each of three chat clients exactly once: each receives it, and
     * after the closing handshake (the server sends nothing after its {@code FF 00}) no client
     * holds another message. The last client to connect sends, so that the server has
     * registered every session before the message is read.
     */
    private void chat() throws IOException {
        List<Hixie76Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(Hixie76Client.connect(endpoint("/chat"), options));
            }
            String text = "chat " + UUID.randomUUID();
            clients.get(2).send(text);
            for (int i = 0; i < clients.size(); i++) {
                String got = clients.get(i).receive();
                if (!text.equals(got)) {
                    throw new AssertionError("client " + (i + 1) + " expected '" + text + "', got "
                            + (got == null ? "the end of the connection" : "'" + got + "'"));
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                Hixie76Client client = clients.get(i);
                client.close();
                String extra = client.receive();
                if (extra != null) {
                    throw new AssertionError("client " + (i + 1) + " received a second message '" + extra + "'");
                }
            }
        } finally {
            clients.forEach(DeploymentCheck::closeQuietly);
        }
    }

    /** (d) The client's FF 00 is answered with FF 00 and the server ends the stream. */
    private void close() throws IOException {
        Hixie76Client client = Hixie76Client.connect(endpoint("/echo"), options);
        try {
            client.send("before close");
            if (!"before close".equals(client.receive())) {
                throw new AssertionError("no echo before the close");
            }
            try {
                // Sends FF 00, then reads until end of stream, each read within the read timeout.
                client.close();
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server did not end the stream within " + READ_TIMEOUT.toSeconds()
                        + " s after the client's FF 00" + (client.closeReceived() ? " (its FF 00 came)" : ""));
            }
        } finally {
            closeQuietly(client);
        }
        if (!client.closeReceived()) {
            throw new AssertionError("the server ended the stream without answering FF 00");
        }
    }

    /** (e) A GET without any WebSocket field is an HTTP error the client's fault, not a 5xx. */
    private void plainGet() throws IOException {
        expect4xx("GET " + path("/echo") + " HTTP/1.1\r\n"
                + "Host: " + authority() + "\r\n"
                + "Connection: close\r\n"
                + "\r\n");
    }

    /**
     * (f) RFC 6455 through the container's own jakarta.websocket, with the JDK's client: a
     * text with a 4-byte character comes back, and the client's close is answered with 1000.
     * A container without its WebSocket support refuses the handshake with 400 and a reason
     * naming what to enable.
     */
    private void rfc6455Echo() throws IOException {
        String text = "RFC 6455 h\u00e9llo \uD83D\uDE00";
        try (JdkWebSocketClient client = rfc6455Client("/echo")) {
            client.send(text, READ_TIMEOUT);
            String reply = client.awaitMessage(READ_TIMEOUT);
            if (reply == null) {
                throw new AssertionError("the server closed instead of echoing: " + client.awaitClose(READ_TIMEOUT));
            }
            if (!reply.equals(text)) {
                throw new AssertionError("sent " + codePoints(text) + ", got " + codePoints(reply));
            }
            client.sendClose(1000, "done", READ_TIMEOUT);
            JdkWebSocketClient.Close answer = client.awaitClose(READ_TIMEOUT);
            if (answer.code() != 1000) {
                throw new AssertionError("the client's close 1000 was answered with " + answer);
            }
        }
    }

    /** (g) One message from an RFC 6455 client reaches a hixie-76 client and itself on /chat. */
    private void mixedChat() throws IOException {
        try (Hixie76Client old = Hixie76Client.connect(endpoint("/chat"), options);
                JdkWebSocketClient modern = rfc6455Client("/chat")) {
            String text = "mixed " + UUID.randomUUID();
            modern.send(text, READ_TIMEOUT);
            String echoed = modern.awaitMessage(READ_TIMEOUT);
            if (!text.equals(echoed)) {
                throw new AssertionError("the RFC 6455 sender expected its own '" + text + "', got "
                        + (echoed == null ? "the end of the connection" : "'" + echoed + "'"));
            }
            String got = old.receive();
            if (!text.equals(got)) {
                throw new AssertionError("the hixie-76 client expected '" + text + "' from the RFC 6455 client, got "
                        + (got == null ? "the end of the connection" : "'" + got + "'"));
            }
        }
    }

    private JdkWebSocketClient rfc6455Client(String path) throws IOException {
        try {
            return JdkWebSocketClient.connect(endpoint(path), null, CONNECT_TIMEOUT.plus(READ_TIMEOUT));
        } catch (JdkWebSocketClient.Refused e) {
            throw new AssertionError(e.getMessage() + (e.status() == 400 || e.status() == 404
                    ? " (is the container's WebSocket support enabled? Jetty: the ee10-websocket-jakarta module)" : ""));
        }
    }

    /**
     * A connection idle for a while is still open both ways, while a plain TCP connection left
     * as long without a request was closed by the container: its idle timeout is shorter, so
     * the upgraded connection escaped it.
     */
    private void idle(int seconds) throws Exception {
        try (Hixie76Client client = Hixie76Client.connect(endpoint("/echo"), options);
                Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(base.getHost(), port()), (int) CONNECT_TIMEOUT.toMillis());
            Thread.sleep(seconds * 1000L);
            String text = "after " + seconds + " s idle";
            try {
                client.send(text);
                String reply = client.receive();
                if (!text.equals(reply)) {
                    throw new AssertionError(reply == null ? "the server had closed the idle connection"
                            : "expected '" + text + "', got '" + reply + "'");
                }
            } catch (IOException e) {
                throw new AssertionError("the idle connection failed: " + e, e);
            }
            plain.setSoTimeout(1000);
            try {
                if (plain.getInputStream().read() >= 0) {
                    throw new AssertionError("control: the container sent bytes on a connection that sent nothing");
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("control: a plain connection idle " + seconds + " s was still open, so the "
                        + "container's idle timeout is not below " + seconds + " s and this check proves nothing");
            } catch (java.net.SocketException e) {
                // reset by the container: closed, as expected
            }
        }
    }

    // ---- helpers

    private void expect4xx(String request) throws IOException {
        boolean secure = "wss".equalsIgnoreCase(base.getScheme());
        SocketFactory factory = secure ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
        try (Socket socket = factory.createSocket()) {
            socket.connect(new InetSocketAddress(base.getHost(), port()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = readLine(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new AssertionError("expected an HTTP status line, got '" + status + "'");
            }
            String contentType = "";
            for (String field = readLine(in); !field.isEmpty(); field = readLine(in)) {
                if (field.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentType = field.substring(field.indexOf(':') + 1).strip();
                }
            }
            String reason = readLine(in).strip();
            if (!parts[1].startsWith("4") || parts[1].length() != 3) {
                throw new AssertionError("expected a 4xx status, got '" + status + "'");
            }
            // The servlet refuses with a one-line text/plain reason; anything else (the
            // container's 404 page, say) means the request never reached it.
            if (!contentType.startsWith("text/plain")) {
                throw new AssertionError("'" + status + "' is not the servlet's refusal (Content-Type '" + contentType
                        + "', body '" + reason + "')");
            }
            System.err.println("  note: " + status.strip() + ": " + reason);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (line.size() > 8192) {
                throw new AssertionError("a response line longer than 8 KiB");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private int port() {
        return base.getPort() > 0 ? base.getPort() : "wss".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
    }

    private String authority() {
        return base.getRawAuthority();
    }

    private String path(String endpoint) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return path + endpoint;
    }

    private static String codePoints(String text) {
        StringBuilder all = new StringBuilder("[");
        text.codePoints().forEach(c -> all.append(all.length() > 1 ? " " : "").append(String.format("U+%04X", c)));
        return all.append(']').toString();
    }

    /** key3 sent 300 ms after the headers, as a proxy may deliver it (notes §7.1, §5). */
    private void lateKey3() throws Exception {
        try (RawSocket raw = new RawSocket(new java.net.Socket(base.getHost(), base.getPort()))) {
            raw.write(RawSocket.specRequest(base.getRawPath() + "/echo"));
            RawSocket.Head head = raw.readHead();
            if (head.status() != 101) {
                throw new AssertionError("expected 101, got " + head.statusLine());
            }
            Thread.sleep(300);
            raw.write(Draft.EXAMPLE.key3());
            byte[] digest = raw.readExactly(16);
            if (!java.util.Arrays.equals(digest, Draft.EXAMPLE.response())) {
                throw new AssertionError("expected the digest " + Bytes.hex(Draft.EXAMPLE.response()) + ", got "
                        + Bytes.hex(digest));
            }
        }
    }

    private static void closeQuietly(Hixie76Client client) {
        try {
            client.close();
        } catch (IOException e) {
            // the check that failed already says why
        }
    }
}
