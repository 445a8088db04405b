package io.github.hixie76.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The {@code Sec-WebSocket-Location} of a handshake (§3.2, §5.2 step 11): the URL the client
 * opened, byte for byte, and the same URL as a {@link URI} for applications. Stateless.
 */
public final class Location {

    private Location() {
    }

    /**
     * The URL the client opened: ws or wss, the host in lower case (IPv6 in brackets), the port
     * only when not the scheme's default, the path ({@code /} if empty) and the query when
     * there is one.
     */
    public static String of(boolean secure, String host, int port, String path, String query) {
        StringBuilder url = new StringBuilder(secure ? "wss://" : "ws://");
        String lower = host.toLowerCase(Locale.ROOT);
        boolean bareIpv6 = lower.indexOf(':') >= 0 && !lower.startsWith("[");
        url.append(bareIpv6 ? "[" + lower + "]" : lower);
        if (port > 0 && port != (secure ? 443 : 80)) {
            url.append(':').append(port);
        }
        url.append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            url.append('?').append(query);
        }
        return url.toString();
    }

    /**
     * A location as a {@link URI}. Browsers send some characters that {@code java.net.URI}
     * refuses as they were typed (Chrome: {@code | { } ^ `} and a '%' without two hex digits
     * in a query), and containers pass them on; here they are percent-encoded, while the
     * header keeps the URL exactly as the client opened it.
     *
     * @throws ProtocolException when even the encoded URL is not a URI (a malformed host, say)
     */
    public static URI toUri(String location) throws ProtocolException {
        int path = location.indexOf('/', location.indexOf("//") + 2);
        StringBuilder escaped = new StringBuilder(location.substring(0, path));
        for (int i = path; i < location.length(); i += Character.charCount(location.codePointAt(i))) {
            int c = location.codePointAt(i);
            boolean escape = c == '%' ? !isHex(location, i + 1) || !isHex(location, i + 2)
                    : c > 0x7E || c <= 0x20 || "\"<>[\\]^`{|}".indexOf(c) >= 0;
            if (!escape) {
                escaped.append((char) c);
                continue;
            }
            for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                escaped.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        try {
            return new URI(escaped.toString());
        } catch (URISyntaxException e) {
            throw new ProtocolException("malformed request URL: " + e.getMessage());
        }
    }

    private static boolean isHex(String s, int index) {
        return index < s.length() && "0123456789ABCDEFabcdef".indexOf(s.charAt(index)) >= 0;
    }
}
