package io.github.hixie76.relay;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a relay sends its clients: an absolute {@code ws://} or {@code wss://} URI, or a path
 * beginning with {@code /} on the same server and context, reached through the connector that
 * took the client's request (over loopback when it listens there). Immutable.
 *
 * @param absolute the backend's URI, or null for a path
 * @param path the path within the application's context, or null for an absolute URI
 */
public record RelayTarget(URI absolute, String path) {

    /**
     * Reads a target as {@code hixie76.relays} and the {@code register} methods take it; throws
     * IllegalArgumentException saying what a target must be.
     */
    public static RelayTarget parse(String target) {
        String value = target == null ? "" : target.trim();
        if (value.startsWith("/")) {
            checked(value);
            return new RelayTarget(null, value);
        }
        URI uri = checked(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("ws") || scheme.equals("wss")) || uri.getHost() == null) {
            throw new IllegalArgumentException("relay target must be an absolute ws:// or wss:// URI or a path"
                    + " beginning with /, got '" + value + "'");
        }
        return new RelayTarget(uri, null);
    }

    /**
     * The backend's URI for one client. A path is resolved against the connector that took the
     * request ({@code secure} picks wss; {@code localAddress} as the container reports it, IPv6
     * without brackets) and the context path. The client's query string is carried over when
     * the target has none of its own.
     */
    public URI resolve(boolean secure, String localAddress, int localPort, String contextPath, String query) {
        String base;
        if (absolute != null) {
            base = absolute.toString();
        } else {
            String host = localAddress.contains(":") && !localAddress.startsWith("[") ? "[" + localAddress + "]" : localAddress;
            base = (secure ? "wss://" : "ws://") + host + ":" + localPort + contextPath + path;
        }
        boolean carryQuery = query != null && !query.isEmpty() && !base.contains("?");
        return URI.create(carryQuery ? base + "?" + query : base);
    }

    @Override
    public String toString() {
        return absolute != null ? absolute.toString() : path;
    }

    private static URI checked(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("relay target '" + value + "' is not a URI: " + e.getMessage(), e);
        }
    }
}
