package io.github.hixie76.engine;

import java.time.Duration;

/**
 * What bounds one connection: the size of an incoming frame, the bytes queued for the peer,
 * and the three timeouts (key3 after the headers, the peer's {@code FF 00} after ours, and
 * idleness; an idle timeout of zero is none). Immutable.
 */
public record Limits(int maxMessageSize, long maxOutboundBytes, Duration handshakeTimeout, Duration closeTimeout,
        Duration idleTimeout) {
}
