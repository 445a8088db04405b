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
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking hixie-76 client, strict as the draft's client is (§4.1): it checks the status,
 * each header, the origin, the location, the subprotocol and the 16-byte digest of the
 * server's answer, and every wait has a timeout.
 *
 * <p>Not thread-safe: one thread uses a client at a time.
 */
public final class Hixie76Client implements Closeable {

    /**
     * Connection options.
     *
     * @param origin the Origin header; null derives {@code http://host[:port]} from the URL
     * @param subprotocol Sec-WebSocket-Protocol to request, or null
     * @param connectTimeout bound on the TCP connect
     * @param readTimeout bound on every wait for the server
     * @param key3AsBody send key3 as a body with {@code Content-Length: 8}, as Netty's client does
     * @param maxMessageSize largest frame accepted from the server
     * @param socketFactory used for ws; wss uses the default SSL factory unless this is an SSLSocketFactory
     */
    public record Options(String origin, String subprotocol, Duration connectTimeout, Duration readTimeout,
            boolean key3AsBody, int maxMessageSize, SocketFactory socketFactory) {

        public static Options defaults() {
            return new Options(null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), false, 64 << 20, null);
        }

        public Options origin(String value) {
            return new Options(value, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize, socketFactory);
        }

        public Options subprotocol(String value) {
            return new Options(origin, value, connectTimeout, readTimeout, key3AsBody, maxMessageSize, socketFactory);
        }

        public Options connectTimeout(Duration value) {
            return new Options(origin, subprotocol, value, readTimeout, key3AsBody, maxMessageSize, socketFactory);
        }

        public Options readTimeout(Duration value) {
            return new Options(origin, subprotocol, connectTimeout, value, key3AsBody, maxMessageSize, socketFactory);
        }

        public Options key3AsBody(boolean value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, value, maxMessageSize, socketFactory);
        }

        public Options maxMessageSize(int value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, value, socketFactory);
        }

        public Options socketFactory(SocketFactory value) {
            return new Options(origin, subprotocol, connectTimeout, readTimeout, key3AsBody, maxMessageSize, value);
        }
    }

    private static final int MAX_HEAD = 16 * 1024;
    private static final Random RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder;
    private final ArrayDeque<String> messages = new ArrayDeque<>();
    private final Map<String, List<String>> responseHeaders;
    private final byte[] buffer = new byte[16 * 1024];
    private boolean closeReceived;
    private boolean closeSent;
    private boolean ended;

    private Hixie76Client(Socket socket, InputStream in, Map<String, List<String>> responseHeaders, int maxMessageSize)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHeaders = responseHeaders;
        this.decoder = new FrameDecoder(maxMessageSize);
    }

    public static Hixie76Client connect(URI uri) throws IOException {
        return connect(uri, Options.defaults());
    }

    /** Opens the connection and completes the handshake, or throws {@link HandshakeException}. */
    public static Hixie76Client connect(URI uri, Options options) throws IOException {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("expected a ws:// or wss:// URL, got " + uri);
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
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) options.readTimeout().toMillis());
            socket.setTcpNoDelay(true);
            String key1 = OpeningHandshake.generateKey(RANDOM);
            String key2 = OpeningHandshake.generateKey(RANDOM);
            byte[] key3 = new byte[OpeningHandshake.KEY3_LENGTH];
            RANDOM.nextBytes(key3);
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
            request.append("\r\n");
            // Headers and key3 in one write, as browsers send them: a server on Jetty loses a
            // key3 that arrives in a later segment (notes §5).
            OutputStream out = socket.getOutputStream();
            out.write(concat(request.toString().getBytes(StandardCharsets.ISO_8859_1), key3));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream());
            Map<String, List<String>> headers = readHead(in);
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
            if (!Arrays.equals(expected, got)) {
                throw new HandshakeException("challenge response: expected " + HexFormat.of().formatHex(expected)
                        + ", got " + HexFormat.of().formatHex(got), 101, "");
            }
            return new Hixie76Client(socket, in, headers, options.maxMessageSize());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        } catch (ProtocolException e) {
            socket.close();
            throw new IllegalStateException("a generated key failed its own check", e);
        }
    }

    /** The server's response header fields, names in lower case. */
    public Map<String, List<String>> responseHeaders() {
        return responseHeaders;
    }

    /** Sends one text frame. */
    public void send(String text) throws IOException {
        writeRaw(FrameEncoder.text(text));
    }

    /** Writes bytes as they are, for frames this client does not make itself. */
    public void writeRaw(ByteBuffer bytes) throws IOException {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
    }

    /**
     * The next text message; null once the server closed (its {@code FF 00} or end of stream).
     *
     * @throws java.net.SocketTimeoutException when nothing came within the read timeout
     */
    public String receive() throws IOException {
        while (messages.isEmpty() && !closeReceived && !ended) {
            readSome();
        }
        return messages.poll();
    }

    /** True once the server's closing handshake arrived. */
    public boolean closeReceived() {
        return closeReceived;
    }

    /**
     * Waits, within the read timeout, for the server to end the stream; messages that arrive
     * first are kept for {@link #receive}. Returns whether the server sent {@code FF 00} first.
     */
    public boolean awaitEnd() throws IOException {
        while (!ended) {
            readSome();
        }
        return closeReceived;
    }

    /**
     * The closing handshake (§1.4): sends {@code FF 00}, waits within the read timeout for the
     * server's answer and end of stream, then closes the socket.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!closeSent && !ended && !socket.isClosed()) {
                closeSent = true;
                writeRaw(FrameEncoder.close());
                awaitEnd();
            }
        } finally {
            socket.close();
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
                public void onClose() {
                    closeReceived = true;
                }
            });
        } catch (ProtocolException e) {
            throw new IOException("server sent a bad frame: " + e.getMessage(), e);
        }
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

    /** Reads the status line and header fields; a status other than 101 throws with the body. */
    private static Map<String, List<String>> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new HandshakeException("response: ended after " + total + " bytes, before its header fields ended",
                        -1, "");
            }
            if (++total > MAX_HEAD) {
                throw new HandshakeException("response: header fields longer than " + MAX_HEAD + " bytes", -1, "");
            }
            if (b == '\n' && line.size() > 0 && line.toByteArray()[line.size() - 1] == '\r') {
                String text = new String(line.toByteArray(), 0, line.size() - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        String status = lines.isEmpty() ? "" : lines.get(0);
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
