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

    /** The bus to other nodes: {@code in-memory} (a single node), or the Redis URI without its password. */
    String getBus();

    /** Whether broadcasts reach the other nodes now: the Redis connection is up and answered its last PING (in-memory: true). */
    boolean isBusConnected();

    /** This node's broadcasts Redis took. */
    long getBusMessagesPublished();

    /** Other nodes' broadcasts delivered to this node's sessions (this node's own, which Redis echoes, are not counted). */
    long getBusMessagesReceived();

    /** Broadcasts not published because {@code clusterMaxPendingBytes} already awaited Redis, and foreign messages on the channel. */
    long getBusMessagesDropped();

    /** Broadcasts whose publish failed (Redis down, disconnected, or no answer in time): other nodes never get them. */
    long getBusMessagesLost();

    /** Bytes of broadcasts handed to Redis and not answered yet. */
    long getBusPendingBytes();
}
