package io.github.hixie76.client;

import io.github.hixie76.client.Hixie76Client.HandshakePart;
import io.github.hixie76.client.Hixie76Client.Options;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and header fields of the server's answer to the opening handshake, read
 * through the blank line and checked as the draft's client checks them (§4.1): a status other
 * than 101 is a refusal that carries the server's reason (the body), and each checked field
 * must come exactly once with the expected value. It owns the fields, names in lower case. Not
 * thread-safe: the connecting thread reads and checks it.
 */
final class ResponseHead {

    private static final int MAX_HEAD = 16 * 1024;
    private static final int CRLF_CRLF = 0x0D0A0D0A;

    private final Map<String, List<String>> fields;

    private ResponseHead(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * Reads the status line and header fields, and tells them to the options' trace before any
     * check; a status other than 101 throws {@link HandshakeException} with the body.
     */
    static ResponseHead read(InputStream in, Options options) throws IOException {
        byte[] raw = readBytes(in);
        options.report(HandshakePart.RESPONSE_HEAD, raw);
        List<String> lines = new ArrayList<>(List.of(
                new String(raw, 0, raw.length - 4, StandardCharsets.ISO_8859_1).split("\r\n", -1)));
        String status = lines.get(0);
        String[] parts = status.split(" ", 3);
        if (status.length() < 7 || parts.length < 3) {
            throw new HandshakeException("status line: expected 'HTTP/1.1 101 ...', got '" + status + "'", -1, "");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String field : lines.subList(1, lines.size())) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new HandshakeException("header field: expected 'name: value', got '" + field + "'", -1, "");
            }
            fields.computeIfAbsent(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(field.substring(colon + 1).trim());
        }
        if (!"101".equals(parts[1])) {
            int code = parseStatus(parts[1]);
            String body = readBody(in, fields);
            throw new HandshakeException("status: expected 101, got '" + status + "'"
                    + (body.isEmpty() ? "" : " (" + body.strip() + ")"), code, body);
        }
        return new ResponseHead(fields);
    }

    /** The header fields, names in lower case, values in the order they came. */
    Map<String, List<String>> fields() {
        return fields;
    }

    /**
     * Checks that field {@code name} came once with the value {@code expected}, compared exactly
     * or ignoring case.
     */
    void check(String name, String expected, boolean exact) throws HandshakeException {
        List<String> values = fields.getOrDefault(name, List.of());
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

    /** The response head through its blank line (CR LF CR LF), at most {@value #MAX_HEAD} bytes. */
    private static byte[] readBytes(InputStream in) throws IOException {
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

    private static String readBody(InputStream in, Map<String, List<String>> fields) {
        try {
            List<String> length = fields.getOrDefault("content-length", List.of());
            int limit = length.isEmpty() ? 4096 : Math.min(4096, Integer.parseInt(length.get(0)));
            return new String(in.readNBytes(limit), StandardCharsets.UTF_8);
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }
}
