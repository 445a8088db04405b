package io.github.hixie76.server;

import io.github.hixie76.protocol.Location;
import io.github.hixie76.protocol.ProtocolException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The header names and values, the locations and the peers' addresses an endpoint has seen
 * lately, so that what a fleet of devices sends alike (the URL, Host, Origin, User-Agent, the
 * header names on containers that make a String per request; the address of the proxy or NAT
 * in front of them) is kept once by the open sessions, not once per session, and is not parsed
 * again. Direct-mapped by hash: a new value
 * takes its slot from whatever was there, so a value unique to one request (a key) costs one
 * slot for a while and nothing else.
 *
 * <p>Thread-safe: slots are read and written without locks, which is safe because a slot holds
 * a {@link String} or a record, whose fields are final (a thread sees another's value whole,
 * or an older one, or none).
 */
final class Recent {

    private static final int SLOTS = 512;
    /** Longer strings are rarely sent alike, and would keep more than they save. */
    private static final int MAX_LENGTH = 512;

    private final String[] strings = new String[SLOTS];
    private final Parsed[] locations = new Parsed[SLOTS / 8];
    private final Peer[] peers = new Peer[SLOTS / 8];

    private record Parsed(String location, URI uri) {
    }

    private record Peer(String literal, InetAddress address) {
    }

    /** {@code value}, or an equal string seen lately. */
    String string(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return value;
        }
        int slot = slot(value, strings.length);
        String seen = strings[slot];
        if (value.equals(seen)) {
            return seen;
        }
        strings[slot] = value;
        return value;
    }

    /** {@link Location#toUri}, or the URI of the same location made lately. */
    URI uri(String location) throws ProtocolException {
        int slot = slot(location, locations.length);
        Parsed seen = locations[slot];
        if (seen != null && seen.location.equals(location)) {
            return seen.uri;
        }
        URI uri = Location.toUri(location);
        if (location.length() <= MAX_LENGTH) {
            locations[slot] = new Parsed(location, uri);
        }
        return uri;
    }

    /**
     * {@code new InetSocketAddress(host, port)}, its address shared with sessions from the same
     * IP address ({@link InetAddress} is immutable but for the name a reverse lookup caches,
     * which is the same for all of them). A host that is no IP literal (a name some proxies
     * forward) is looked up as before, each time.
     */
    InetSocketAddress address(String host, int port) {
        int slot = slot(host, peers.length);
        Peer seen = peers[slot];
        if (seen != null && seen.literal.equals(host)) {
            return new InetSocketAddress(seen.address, port);
        }
        InetSocketAddress made = new InetSocketAddress(host, port);
        InetAddress address = made.getAddress();
        if (address != null && address.getHostAddress().equals(host)) {
            peers[slot] = new Peer(host, address);
        }
        return made;
    }

    private static int slot(String value, int slots) {
        int hash = value.hashCode();
        return (hash ^ hash >>> 16) & (slots - 1);
    }
}
