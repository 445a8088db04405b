package io.github.hixie76.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain socket for byte-exact tests: writes exactly what the test says, reads the response
 * head and then raw bytes, with a read timeout on every wait.
 */
public final class RawSocket implements Closeable {

    /** The example request of the draft (§1.3, notes §1), for {@code path}; key3 not included. */
    public static final String SPEC_KEY1 = "4 @1  46546xW%0l 1 5";
    public static final String SPEC_KEY2 = "12998 5 Y3 1  .P00";
    public static final String SPEC_KEY3 = "^n:ds[4U";
    public static final String SPEC_RESPONSE = "8jKS'y:G*Co,Wxa-";

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

    /** The spec's request fields (in the spec's order) for a path, with the blank line. */
    public static String specRequest(String path) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: example.com\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key2: " + SPEC_KEY2 + "\r\n"
                + "Sec-WebSocket-Protocol: sample\r\n"
                + "Upgrade: WebSocket\r\n"
                + "Sec-WebSocket-Key1: " + SPEC_KEY1 + "\r\n"
                + "Origin: http://example.com\r\n"
                + "\r\n";
    }

    public static byte[] bytes(String iso) {
        return iso.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    public RawSocket write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawSocket write(String iso) throws IOException {
        return write(bytes(iso));
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
