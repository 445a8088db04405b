package io.github.hixie76.client;

import io.github.hixie76.protocol.FrameDecoder;
import io.github.hixie76.protocol.FrameEncoder;
import io.github.hixie76.protocol.FrameSink;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking hixie-76 client, strict as the draft's client is (§4.1): it checks the status,
 * each header, the origin, the location, the subprotocol and the 16-byte digest of the
 * server's answer, and every wait has a timeout. It owns its socket and the messages received
 * but not yet taken.
 *
 * <p>One thread may send ({@link #send}, {@link #writeRaw}, {@link #sendClose}) while another
 * receives ({@link #receive}, {@link #awaitMessage}, {@link #awaitClose}, {@link #awaitEnd});
 * beyond that, one thread uses a client at a time. {@link #close} reads as well as writes.
 */
public final class Hixie76Client implements Closeable {

    /** The parts of the opening handshake a {@link HandshakeTrace} sees, in the order they happen. */
    public enum HandshakePart {
        /** The request line and header fields as sent, through the blank line (and {@code Content-Length: 8}). */
        REQUEST_HEAD,
        /** The 8 random bytes of key3, sent right after the request head. */
        KEY3,
        /** The status line and header fields as received, through the blank line. */
        RESPONSE_HEAD,
        /** The 16 bytes after the response head, as received (the digest the client then checks). */
        RESPONSE_DIGEST
    }

    /**
     * Sees the bytes of the opening handshake as they are sent and received, before each is
     * checked, so that a failed handshake can be shown too (verbose tools, logs). Runs on the
     * connecting thread.
     */
    @FunctionalInterface
    public interface HandshakeTrace {
        void onBytes(HandshakePart part, byte[] bytes);
    }

    /**
     * Connection options.
     *
     * @param origin the Origin header; null derives {@code http://host[:port]} from the URL
     * @param subprotocol Sec-WebSocket-Protocol to request, or null
     * @param connectTimeout bound on the TCP connect
     * @param readTimeout bound on every wait for the server that takes no timeout of its own
     * @param key3AsBody send key3 as a body with {@code Content-Length: 8}, as Netty's client does
     * @param maxMessageSize largest frame accepted from the server
     * @param socketFactory used for ws; wss uses the default SSL factory unless this is an SSLSocketFactory.
     *     Over wss the certificate must also name the URL's host, unless the factory's trust
     *     manager is an {@code X509ExtendedTrustManager} that skips that check
     * @param trace told the handshake bytes as they go, or null
     */
    public record Options(String origin, String subprotocol, Duration connectTimeout, Duration readTimeout,
            boolean key3AsBody, int maxMessageSize, SocketFactory socketFactory, HandshakeTrace trace) {

        public static Options defaults() {
            return new Options(null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), false, 64 << 20, null, null);
        }

        public Options origin(String value) {
            return new Options(value, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize, socketFactory,
                    trace);
        }

        public Options subprotocol(String value) {
            return new Options(origin, value, connectTimeout, readTimeout, key3AsBody, maxMessageSize, socketFactory,
                    trace);
        }

        public Options connectTimeout(Duration value) {
            return new Options(origin, subprotocol, value, readTimeout, key3AsBody, maxMessageSize, socketFactory, trace);
        }

        public Options readTimeout(Duration value) {
            return new Options(origin, subprotocol, connectTimeout, value, key3AsBody, maxMessageSize, socketFactory, trace);
        }

        public Options key3AsBody(boolean value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, value, maxMessageSize, socketFactory, trace);
        }

        public Options maxMessageSize(int value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, value, socketFactory, trace);
        }

        public Options socketFactory(SocketFactory value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize, value, trace);
        }

        public Options trace(HandshakeTrace value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize, socketFactory,
                    value);
        }

        private void report(HandshakePart part, byte[] bytes) {
            if (trace != null) {
                trace.onBytes(part, bytes.clone());
            }
        }
    }

    private static final int MAX_HEAD = 16 * 1024;
    private static final int CRLF_CRLF = 0x0D0A0D0A;
    private static final Random RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration readTimeout;
    private final FrameDecoder decoder;
    private final ArrayDeque<String> messages = new ArrayDeque<>();
    private final Map<String, List<String>> responseHeaders;
    private final byte[] buffer = new byte[16 * 1024];
    private final Object writeLock = new Object();
    private boolean closeSent; // guarded by writeLock
    private boolean closeReceived;
    private boolean ended;

    private Hixie76Client(Socket socket, InputStream in, Map<String, List<String>> responseHeaders, Options options)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHeaders = responseHeaders;
        this.readTimeout = options.readTimeout();
        this.decoder = new FrameDecoder(options.maxMessageSize());
    }

    public static Hixie76Client connect(URI uri) throws IOException {
        return connect(uri, Options.defaults());
    }

    /** Opens the connection and completes the handshake, or throws {@link HandshakeException}. */
    public static Hixie76Client connect(URI uri, Options options) throws IOException {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a ws:// or wss:// URL with a host, got " + uri);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String location = OpeningHandshake.location(secure, host, port, path, uri.getRawQuery());
        String authority = location.substring(location.indexOf("//") + 2, location.indexOf('/', location.indexOf("//") + 2));
        String resource = location.substring(location.indexOf('/', location.indexOf("//") + 2));
        String origin = options.origin() != null ? options.origin() : "http://" + authority;

        Socket socket = socketFactory(secure, options).createSocket();
        try {
            if (socket instanceof SSLSocket ssl) {
                checkHostName(ssl);
            }
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) options.readTimeout().toMillis());
            socket.setTcpNoDelay(true);
            String key1 = OpeningHandshake.generateKey(RANDOM);
            String key2 = OpeningHandshake.generateKey(RANDOM);
            byte[] key3 = new byte[OpeningHandshake.KEY3_LENGTH];
            RANDOM.nextBytes(key3);
            byte[] request = request(resource, authority, origin, key1, key2, options);
            options.report(HandshakePart.REQUEST_HEAD, request);
            options.report(HandshakePart.KEY3, key3);
            // Headers and key3 in one write, as browsers send them: a server on Jetty loses a
            // key3 that arrives in a later segment (notes §5).
            OutputStream out = socket.getOutputStream();
            out.write(concat(request, key3));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream());
            Map<String, List<String>> headers = readHead(in, options);
            check(headers, "upgrade", "WebSocket", true);
            check(headers, "connection", "upgrade", false);
            check(headers, "sec-websocket-origin", origin, true);
            check(headers, "sec-websocket-location", location, true);
            if (options.subprotocol() != null) {
                check(headers, "sec-websocket-protocol", options.subprotocol(), true);
            }
            byte[] expected = OpeningHandshake.response(OpeningHandshake.keyPart("Sec-WebSocket-Key1", key1),
                    OpeningHandshake.keyPart("Sec-WebSocket-Key2", key2), key3);
            byte[] got = in.readNBytes(OpeningHandshake.RESPONSE_LENGTH);
            options.report(HandshakePart.RESPONSE_DIGEST, got);
            if (got.length < expected.length) {
                throw new HandshakeException("challenge response: expected " + expected.length + " bytes, got "
                        + got.length + " before the connection ended", 101, "");
            }
            if (!Arrays.equals(expected, got)) {
                throw new HandshakeException("challenge response: expected " + HexFormat.of().formatHex(expected)
                        + ", got " + HexFormat.of().formatHex(got), 101, "");
            }
            return new Hixie76Client(socket, in, headers, options);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        } catch (ProtocolException e) {
            socket.close();
            throw new IllegalStateException("a generated key failed its own check", e);
        }
    }

    /**
     * For tests of refusals: opens a handshake that the server must refuse with
     * {@code expectedStatus}, and returns the refusal (its {@link HandshakeException#body()} is
     * the server's reason).
     *
     * @throws AssertionError when the server accepted the handshake (the connection is then
     *     closed) or refused it with another status, or a client check failed on a 101
     * @throws IOException when no HTTP answer came (connect failure, timeout)
     */
    public static HandshakeException expectRejection(URI uri, Options options, int expectedStatus) throws IOException {
        try {
            Hixie76Client accepted = connect(uri, options);
            accepted.close();
        } catch (HandshakeException refused) {
            if (refused.status() == expectedStatus) {
                return refused;
            }
            throw new AssertionError("expected the handshake to be refused with " + expectedStatus + ", got: "
                    + refused.getMessage(), refused);
        }
        throw new AssertionError("expected the handshake to be refused with " + expectedStatus
                + ", but the server accepted it (101)");
    }

    /** {@link #expectRejection(URI, Options, int)} with the default options. */
    public static HandshakeException expectRejection(URI uri, int expectedStatus) throws IOException {
        return expectRejection(uri, Options.defaults(), expectedStatus);
    }

    /** The server's response header fields, names in lower case. */
    public Map<String, List<String>> responseHeaders() {
        return responseHeaders;
    }

    /**
     * Sends one text frame.
     *
     * @throws IOException also when this client already sent its {@code FF 00}: nothing may follow it (§1.4)
     */
    public void send(String text) throws IOException {
        ByteBuffer frame = FrameEncoder.text(text);
        synchronized (writeLock) {
            if (closeSent) {
                throw new IOException("the closing handshake was sent: no message may follow it");
            }
            write(frame);
        }
    }

    /** Writes bytes as they are, for frames this client does not make itself. */
    public void writeRaw(ByteBuffer bytes) throws IOException {
        synchronized (writeLock) {
            write(bytes);
        }
    }

    /**
     * Starts the closing handshake (§1.4) without waiting: sends {@code FF 00} unless it was
     * sent already. Messages may still arrive until the server's {@code FF 00}.
     */
    public void sendClose() throws IOException {
        synchronized (writeLock) {
            if (!closeSent) {
                closeSent = true;
                write(FrameEncoder.close());
            }
        }
    }

    /**
     * The next text message; null once the server closed (its {@code FF 00} or end of stream).
     *
     * @throws java.net.SocketTimeoutException when nothing came within the read timeout
     */
    public String receive() throws IOException {
        return awaitMessage(readTimeout);
    }

    /**
     * The next text message, waiting at most {@code timeout}; null once the server closed (its
     * {@code FF 00} or end of stream). Messages that came before the close are returned first.
     *
     * @throws java.net.SocketTimeoutException when no message and no close came in time
     */
    public String awaitMessage(Duration timeout) throws IOException {
        readUntil(() -> !messages.isEmpty() || closeReceived || ended, timeout, "a message");
        return messages.poll();
    }

    /** True once the server's closing handshake arrived. */
    public boolean closeReceived() {
        return closeReceived;
    }

    /**
     * Waits at most {@code timeout} for the server to close, and answers its {@code FF 00} with
     * this client's (§1.4). Messages that arrive first are kept for {@link #receive}.
     *
     * @return true when the server sent {@code FF 00}; false when its stream ended without one
     * @throws java.net.SocketTimeoutException when the server did neither in time
     */
    public boolean awaitClose(Duration timeout) throws IOException {
        readUntil(() -> closeReceived || ended, timeout, "the server's closing handshake");
        if (closeReceived && !ended) {
            answerClose();
        }
        return closeReceived;
    }

    /**
     * Waits, within the read timeout, for the server to end the stream; messages that arrive
     * first are kept for {@link #receive}. Returns whether the server sent {@code FF 00} first.
     */
    public boolean awaitEnd() throws IOException {
        readUntil(() -> ended, readTimeout, "the end of the stream");
        return closeReceived;
    }

    /**
     * The closing handshake (§1.4): sends {@code FF 00} and waits within the read timeout for
     * the server's answer and end of stream, then closes the socket. When this client already
     * sent {@code FF 00} ({@link #sendClose}, {@link #awaitClose}) it only closes the socket.
     * Call it when no other thread is receiving.
     */
    @Override
    public void close() throws IOException {
        try {
            boolean wait;
            synchronized (writeLock) {
                wait = !closeSent && !ended && !socket.isClosed();
            }
            if (wait) {
                sendClose();
                awaitEnd();
            }
        } finally {
            socket.close();
        }
    }

    /** Best effort: a server that closed TCP right after its FF 00 cannot be answered, and need not be. */
    private void answerClose() {
        try {
            sendClose();
        } catch (IOException e) {
            // the server is gone already
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
    }

    /** Reads until {@code done} holds, each read bounded by what is left of {@code timeout}. */
    private void readUntil(BooleanSupplier done, Duration timeout, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                readSome();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException(what + " did not come within " + timeout.toMillis() + " ms");
            }
        }
    }

    private void readSome() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            ended = true;
            return;
        }
        try {
            decoder.decode(ByteBuffer.wrap(buffer, 0, n), new FrameSink() {
                @Override
                public void onText(String text) {
                    messages.add(text);
                }

                @Override
                public void onCloseFrame() {
                    closeReceived = true;
                }
            });
        } catch (ProtocolException e) {
            throw new IOException("server sent a bad frame: " + e.getMessage(), e);
        }
    }

    private static byte[] request(String resource, String authority, String origin, String key1, String key2,
            Options options) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(resource).append(" HTTP/1.1\r\n")
                .append("Upgrade: WebSocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Host: ").append(authority).append("\r\n")
                .append("Origin: ").append(origin).append("\r\n")
                .append("Sec-WebSocket-Key1: ").append(key1).append("\r\n")
                .append("Sec-WebSocket-Key2: ").append(key2).append("\r\n");
        if (options.subprotocol() != null) {
            request.append("Sec-WebSocket-Protocol: ").append(options.subprotocol()).append("\r\n");
        }
        if (options.key3AsBody()) {
            request.append("Content-Length: 8\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static SocketFactory socketFactory(boolean secure, Options options) {
        if (!secure) {
            return options.socketFactory() != null ? options.socketFactory() : SocketFactory.getDefault();
        }
        return options.socketFactory() instanceof SSLSocketFactory ssl ? ssl : SSLSocketFactory.getDefault();
    }

    /** The server's certificate must name the URL's host, as for https (RFC 2818 §3.1). */
    private static void checkHostName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
    }

    /** Reads the status line and header fields; a status other than 101 throws with the body. */
    private static Map<String, List<String>> readHead(InputStream in, Options options) throws IOException {
        byte[] raw = readHeadBytes(in);
        options.report(HandshakePart.RESPONSE_HEAD, raw);
        List<String> lines = new ArrayList<>(List.of(
                new String(raw, 0, raw.length - 4, StandardCharsets.ISO_8859_1).split("\r\n", -1)));
        String status = lines.get(0);
        String[] parts = status.split(" ", 3);
        if (status.length() < 7 || parts.length < 3) {
            throw new HandshakeException("status line: expected 'HTTP/1.1 101 ...', got '" + status + "'", -1, "");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String field : lines.subList(1, lines.size())) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new HandshakeException("header field: expected 'name: value', got '" + field + "'", -1, "");
            }
            headers.computeIfAbsent(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(field.substring(colon + 1).trim());
        }
        if (!"101".equals(parts[1])) {
            int code = parseStatus(parts[1]);
            String body = readBody(in, headers);
            throw new HandshakeException("status: expected 101, got '" + status + "'"
                    + (body.isEmpty() ? "" : " (" + body.strip() + ")"), code, body);
        }
        return headers;
    }

    /** The response head through its blank line (CR LF CR LF), at most {@value #MAX_HEAD} bytes. */
    private static byte[] readHeadBytes(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != CRLF_CRLF) {
            int b = in.read();
            if (b < 0) {
                throw new HandshakeException("response: ended after " + head.size()
                        + " bytes, before its header fields ended", -1, "");
            }
            if (head.size() == MAX_HEAD) {
                throw new HandshakeException("response: header fields longer than " + MAX_HEAD + " bytes", -1, "");
            }
            head.write(b);
            lastFour = lastFour << 8 | b;
        }
        return head.toByteArray();
    }

    private static int parseStatus(String code) {
        try {
            return Integer.parseInt(code);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readBody(InputStream in, Map<String, List<String>> headers) {
        try {
            List<String> length = headers.getOrDefault("content-length", List.of());
            int limit = length.isEmpty() ? 4096 : Math.min(4096, Integer.parseInt(length.get(0)));
            return new String(in.readNBytes(limit), StandardCharsets.UTF_8);
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    private static void check(Map<String, List<String>> headers, String name, String expected, boolean exact)
            throws HandshakeException {
        List<String> values = headers.getOrDefault(name, List.of());
        if (values.size() != 1) {
            throw new HandshakeException(name + ": expected exactly one field, got " + values.size()
                    + (values.isEmpty() ? "" : " " + values), 101, "");
        }
        String got = values.get(0);
        boolean ok = exact ? got.equals(expected) : got.equalsIgnoreCase(expected);
        if (!ok) {
            throw new HandshakeException(name + ": expected '" + expected + "', got '" + got + "'", 101, "");
        }
    }
}
