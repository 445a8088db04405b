package io.github.hixie76.server;

import java.util.Map;

/**
 * What one endpoint exposes over JMX, as
 * {@code io.github.hixie76:type=Endpoint,context=<context path>,name=<endpoint>}.
 */
public interface EndpointMetricsMXBean {

    /** Sessions past the handshake and not yet closed. */
    int getOpenSessions();

    /** Connections from the upgrade to the close, those still waiting for key3 included. */
    int getConnections();

    /** Open sessions by protocol: hixie-76, rfc6455. */
    Map<String, Integer> getOpenSessionsByProtocol();

    long getHandshakesAccepted();

    /** Accepted handshakes by protocol: hixie-76, rfc6455. */
    Map<String, Long> getHandshakesAcceptedByProtocol();

    /**
     * Refused handshakes by reason: method, http-version, malformed, other-draft, protocol,
     * unavailable, subprotocol, origin, capacity.
     */
    Map<String, Long> getHandshakesRejected();

    long getMessagesIn();

    long getMessagesOut();

    /** Bytes read from clients: hixie-76 stream bytes, framing included; RFC 6455 message payloads. */
    long getBytesIn();

    /** Bytes written to clients: hixie-76 stream bytes, framing and digests included; RFC 6455 message payloads. */
    long getBytesOut();

    /** Connections a limit ended, by limit: message-size, outbound-queue, handshake-timeout, idle-timeout, close-timeout. */
    Map<String, Long> getConnectionsDropped();
}
