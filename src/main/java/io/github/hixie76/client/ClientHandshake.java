package io.github.hixie76.client;

import io.github.hixie76.client.Hixie76Client.HandshakePart;
import io.github.hixie76.client.Hixie76Client.Options;
import io.github.hixie76.protocol.OpeningHandshake;
import io.github.hixie76.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * The client's side of the opening handshake on a connected socket (draft §4.1): sends the
 * request head and key3, then reads the server's answer and checks the status, each header,
 * the origin, the location, the subprotocol and the 16-byte digest (§5.2). Stateless and
 * thread-safe; each handshake runs on its connecting thread.
 */
final class ClientHandshake {

    private static final Random RANDOM = new SecureRandom();

    private ClientHandshake() {
    }

    /**
     * Runs the handshake; returns the checked response head, with {@code in} at the first byte
     * after the digest, or throws {@link HandshakeException} naming the failed check.
     */
    static ResponseHead run(OutputStream out, InputStream in, WebSocketUrl url, Options options) throws IOException {
        String origin = options.origin() != null ? options.origin() : "http://" + url.authority();
        String key1 = OpeningHandshake.generateKey(RANDOM);
        String key2 = OpeningHandshake.generateKey(RANDOM);
        byte[] key3 = new byte[OpeningHandshake.KEY3_LENGTH];
        RANDOM.nextBytes(key3);
        byte[] request = request(url, origin, key1, key2, options);
        options.report(HandshakePart.REQUEST_HEAD, request);
        options.report(HandshakePart.KEY3, key3);
        // Headers and key3 in one write, as browsers send them: Jetty 12's servlet upgrade
        // loses a key3 that arrives in a later segment.
        out.write(concat(request, key3));
        out.flush();

        ResponseHead head = ResponseHead.read(in, options);
        head.check("upgrade", "WebSocket", true);
        head.check("connection", "upgrade", false);
        head.check("sec-websocket-origin", origin, true);
        head.check("sec-websocket-location", url.location(), true);
        if (options.subprotocol() != null) {
            head.check("sec-websocket-protocol", options.subprotocol(), true);
        }
        checkDigest(in, expectedDigest(key1, key2, key3), options);
        return head;
    }

    private static byte[] request(WebSocketUrl url, String origin, String key1, String key2, Options options) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(url.resource()).append(" HTTP/1.1\r\n")
                .append("Upgrade: WebSocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Host: ").append(url.authority()).append("\r\n")
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

    private static byte[] expectedDigest(String key1, String key2, byte[] key3) {
        try {
            return OpeningHandshake.response(OpeningHandshake.keyPart("Sec-WebSocket-Key1", key1),
                    OpeningHandshake.keyPart("Sec-WebSocket-Key2", key2), key3);
        } catch (ProtocolException e) {
            throw new IllegalStateException("a generated key failed its own check", e);
        }
    }

    /** The 16 bytes after the response head must be the digest of the three keys. */
    private static void checkDigest(InputStream in, byte[] expected, Options options) throws IOException {
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
    }
}
