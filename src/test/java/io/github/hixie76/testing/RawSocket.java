package io.github.hixie76.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain socket for byte-exact tests: writes exactly what the test says, reads the response
 * head and then raw bytes, with a read timeout on every wait. Free of JUnit, for
 * {@link DeploymentCheck} too. Used by one thread.
 */
public final class RawSocket implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawSocket(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket already connected, a TLS one for instance. */
    public RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * A socket on 127.0.0.1:{@code port} through the draft's example handshake for {@code path}:
     * the 101 and the 16 bytes asserted, ready for frames.
     */
    public static RawSocket opened(int port, String path) throws IOException {
        RawSocket raw = new RawSocket(port);
        try {
            return raw.handshake(path);
        } catch (IOException | RuntimeException | Error e) {
            raw.close();
            throw e;
        }
    }

    /** The draft's example request fields (in the draft's order, §1.3) for a path, with the blank line; no key3. */
    public static String specRequest(String path) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: example.com\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key2: " + Draft.EXAMPLE.key2() + "\r\n"
                + "Sec-WebSocket-Protocol: sample\r\n"
                + "Upgrade: WebSocket\r\n"
                + "Sec-WebSocket-Key1: " + Draft.EXAMPLE.key1() + "\r\n"
                + "Origin: http://example.com\r\n"
                + "\r\n";
    }

    /** A request head followed by the example's key3, in one write. */
    public static byte[] withKey3(String request) {
        return withKey3(request, 8);
    }

    /** A request head followed by the first {@code key3Bytes} bytes of the example's key3. */
    public static byte[] withKey3(String request, int key3Bytes) {
        return Bytes.concat(Bytes.latin1(request), Arrays.copyOf(Draft.EXAMPLE.key3(), key3Bytes));
    }

    /** Sends the draft's example request for {@code path} with key3; asserts the 101 and the 16 bytes. */
    public RawSocket handshake(String path) throws IOException {
        write(withKey3(specRequest(path)));
        Head head = readHead();
        if (head.status() != 101) {
            throw new AssertionError("expected 101, got " + head.statusLine());
        }
        byte[] response = readExactly(16);
        if (!Arrays.equals(Draft.EXAMPLE.response(), response)) {
            throw new AssertionError("expected the 16 bytes " + Bytes.hex(Draft.EXAMPLE.response()) + ", got "
                    + Bytes.hex(response));
        }
        return this;
    }

    public RawSocket write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawSocket write(String iso) throws IOException {
        return write(Bytes.latin1(iso));
    }

    /** Reads up to and including the blank line; returns the head without it. */
    public Head readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside the response head: " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return Head.parse(new String(h, 0, n - 4, StandardCharsets.ISO_8859_1));
            }
        }
    }

    public byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new IOException("end of stream after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** Reads until end of stream (within the read timeout) and returns what came. */
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /**
     * What the peer sends until it ends the stream; a reset counts as the end (and loses what
     * came before it). Fails when the peer neither ends nor resets the connection within the
     * socket's read timeout: silence is not an end.
     */
    public byte[] readRest() {
        try {
            return readToEnd();
        } catch (SocketTimeoutException silent) {
            throw new AssertionError("the peer did not end the connection within the read timeout", silent);
        } catch (IOException reset) {
            return new byte[0];
        }
    }

    /**
     * Opens a text frame (00) and writes 16 KiB chunks of 'a' into it, up to 16 MiB, never its
     * end; returns how many bytes of the frame were written before the peer closed.
     */
    public long writeEndlessFrame() {
        byte[] chunk = "a".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        try {
            write(new byte[] {0x00});
            for (int i = 0; i < 1024; i++) {
                write(chunk);
                sent += chunk.length;
            }
        } catch (IOException closedByPeer) {
            // expected: the peer closed once the frame passed its limit
        }
        return sent;
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response head: status line and header fields (names lower-cased, in order). */
    public record Head(String statusLine, int status, Map<String, List<String>> headers) {

        static Head parse(String text) {
            String[] lines = text.split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
            return new Head(lines[0], Integer.parseInt(lines[0].split(" ")[1]), headers);
        }

        public List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }
}
