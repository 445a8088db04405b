package io.github.hixie76.testing;

import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A fake hixie-76 server for one connection on a free loopback port, for answers no real
 * server gives (a wrong digest, a wrong Location, no closing handshake): it reads the request
 * head and the 8 bytes of key3, writes what {@code answer} makes of them (ISO-8859-1), then
 * closes the connection. {@link #close} fails when serving failed, so a test cannot pass on a
 * server that never saw its client. Used by one test thread; serves on a pool thread.
 */
public final class OneShotServer implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CompletableFuture<Void> served;

    public OneShotServer(BiFunction<String, byte[], String> answer) throws IOException {
        served = CompletableFuture.runAsync(() -> serve(answer));
    }

    /** ws://127.0.0.1:port + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + path);
    }

    /** A correct opening handshake (§5.2), and no closing handshake after it. */
    public static String accept(String head, byte[] key3) {
        return headers(head) + new String(digest(head, key3), StandardCharsets.ISO_8859_1);
    }

    /**
     * The status line and the fields a strict client checks, through the blank line, for the
     * request with this head; with {@code Sec-WebSocket-Protocol} when the request has one.
     */
    public static String headers(String head) {
        String path = head.substring(4, head.indexOf(' ', 4));
        String protocol = field(head, "Sec-WebSocket-Protocol");
        return "HTTP/1.1 101 WebSocket Protocol Handshake\r\n"
                + "Upgrade: WebSocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Origin: " + field(head, "Origin") + "\r\n"
                + "Sec-WebSocket-Location: ws://" + field(head, "Host") + path + "\r\n"
                + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                + "\r\n";
    }

    /** The 16 bytes a server owes the request with this head and key3 (§5.2 steps 4–13). */
    public static byte[] digest(String head, byte[] key3) {
        try {
            return OpeningHandshake.response(OpeningHandshake.keyPart("Sec-WebSocket-Key1", field(head, "Sec-WebSocket-Key1")),
                    OpeningHandshake.keyPart("Sec-WebSocket-Key2", field(head, "Sec-WebSocket-Key2")), key3);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("the request's keys are invalid: " + e.getMessage(), e);
        }
    }

    /** The value of the header field {@code name} (exact case) in a request head, or null. */
    public static String field(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2);
            }
        }
        return null;
    }

    private void serve(BiFunction<String, byte[], String> answer) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            byte[] key3 = in.readNBytes(OpeningHandshake.KEY3_LENGTH);
            socket.getOutputStream().write(answer.apply(head, key3).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the request head");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        served.get(10, TimeUnit.SECONDS);
    }
}
