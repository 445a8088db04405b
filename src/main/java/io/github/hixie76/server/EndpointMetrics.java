package io.github.hixie76.server;

import io.github.hixie76.cluster.Bus;
import io.github.hixie76.cluster.BusCounters;
import io.github.hixie76.engine.Counters;
import io.github.hixie76.engine.SessionGroup;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The counters of one endpoint, updated by its connections on any thread and read by JMX and
 * the status servlet. Thread-safe; counters only grow.
 */
public final class EndpointMetrics implements EndpointMetricsMXBean, Counters, BusCounters {

    private final String name;
    private final SessionGroup group;
    private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final Supplier<Bus> bus;
    private final LongAdder busPublished = new LongAdder();
    private final LongAdder busReceived = new LongAdder();
    private final LongAdder busDropped = new LongAdder();
    private final LongAdder busLost = new LongAdder();

    /** {@code bus}: the endpoint's bus, asked whether it is connected when the metrics are read. */
    EndpointMetrics(String name, SessionGroup group, Supplier<Bus> bus) {
        this.name = name;
        this.group = group;
        this.bus = bus;
    }

    /** The endpoint's name: its servlet or filter name. */
    public String name() {
        return name;
    }

    void accepted(String protocol) {
        accepted.computeIfAbsent(protocol, k -> new LongAdder()).increment();
    }

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    @Override
    public void received(long bytes) {
        bytesIn.add(bytes);
    }

    @Override
    public void messageIn() {
        messagesIn.increment();
    }

    @Override
    public void sent(long bytes, boolean message) {
        bytesOut.add(bytes);
        if (message) {
            messagesOut.increment();
        }
    }

    @Override
    public void dropped(String limit) {
        dropped.computeIfAbsent(limit, k -> new LongAdder()).increment();
    }

    @Override
    public void published() {
        busPublished.increment();
    }

    @Override
    public void received() {
        busReceived.increment();
    }

    @Override
    public void dropped() {
        busDropped.increment();
    }

    @Override
    public void lost() {
        busLost.increment();
    }

    @Override
    public String getBus() {
        Bus current = bus.get();
        return current == null ? "starting" : current.describe();
    }

    @Override
    public boolean isBusConnected() {
        Bus current = bus.get();
        return current != null && current.connected();
    }

    @Override
    public long getBusMessagesPublished() {
        return busPublished.sum();
    }

    @Override
    public long getBusMessagesReceived() {
        return busReceived.sum();
    }

    @Override
    public long getBusMessagesDropped() {
        return busDropped.sum();
    }

    @Override
    public long getBusMessagesLost() {
        return busLost.sum();
    }

    @Override
    public long getBusPendingBytes() {
        Bus current = bus.get();
        return current == null ? 0 : current.pendingBytes();
    }

    @Override
    public int getOpenSessions() {
        return group.openCount();
    }

    @Override
    public Map<String, Integer> getOpenSessionsByProtocol() {
        return group.openCountByProtocol();
    }

    @Override
    public int getConnections() {
        return group.connectionCount();
    }

    @Override
    public long getHandshakesAccepted() {
        return accepted.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, Long> getHandshakesAcceptedByProtocol() {
        return snapshot(accepted);
    }

    @Override
    public Map<String, Long> getHandshakesRejected() {
        return snapshot(rejected);
    }

    @Override
    public long getMessagesIn() {
        return messagesIn.sum();
    }

    @Override
    public long getMessagesOut() {
        return messagesOut.sum();
    }

    @Override
    public long getBytesIn() {
        return bytesIn.sum();
    }

    @Override
    public long getBytesOut() {
        return bytesOut.sum();
    }

    @Override
    public Map<String, Long> getConnectionsDropped() {
        return snapshot(dropped);
    }

    /** All of it as one JSON object. */
    public String toJson() {
        return "{\"name\":" + quote(name) + ",\"openSessions\":" + getOpenSessions() + ",\"connections\":" + getConnections()
                + ",\"openSessionsByProtocol\":" + json(getOpenSessionsByProtocol())
                + ",\"handshakesAccepted\":" + getHandshakesAccepted()
                + ",\"handshakesAcceptedByProtocol\":" + json(getHandshakesAcceptedByProtocol())
                + ",\"handshakesRejected\":" + json(getHandshakesRejected())
                + ",\"messagesIn\":" + getMessagesIn() + ",\"messagesOut\":" + getMessagesOut() + ",\"bytesIn\":" + getBytesIn()
                + ",\"bytesOut\":" + getBytesOut() + ",\"connectionsDropped\":" + json(getConnectionsDropped())
                + ",\"bus\":{\"kind\":" + quote(getBus()) + ",\"connected\":" + isBusConnected()
                + ",\"published\":" + getBusMessagesPublished() + ",\"received\":" + getBusMessagesReceived()
                + ",\"dropped\":" + getBusMessagesDropped() + ",\"lost\":" + getBusMessagesLost()
                + ",\"pendingBytes\":" + getBusPendingBytes() + "}}";
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((key, counter) -> copy.put(key, counter.sum()));
        return copy;
    }

    private static String json(Map<String, ? extends Number> counters) {
        StringBuilder out = new StringBuilder("{");
        counters.forEach((key, value) -> out.append(out.length() > 1 ? "," : "").append(quote(key)).append(':').append(value));
        return out.append('}').toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
