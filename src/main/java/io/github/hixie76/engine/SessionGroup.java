package io.github.hixie76.engine;

import io.github.hixie76.protocol.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sessions of one endpoint, of both protocols: all of them from the upgrade to the end
 * (for the connection limit, counted across protocols, and for shutdown), and the open ones
 * among them (for broadcast). {@link #broadcast} is the one place a broadcast starts: it
 * delivers to the local members and hands the message to the {@link Publisher} (the cluster's
 * bus); what other nodes publish comes back through {@link #deliverLocally}, which never
 * publishes. Thread-safe.
 */
public final class SessionGroup {

    private static final AtomicLong IDS = new AtomicLong();

    /** Every member, and whether it is open: one map, not a set of each (an entry lives as long as its connection). */
    private final ConcurrentHashMap<Member, Boolean> members = new ConcurrentHashMap<>();
    private final AtomicInteger openCount = new AtomicInteger();
    private final Publisher others;

    /** A group on a single node. */
    public SessionGroup() {
        this(Publisher.NONE);
    }

    /** A group whose broadcasts also go to {@code others} (the other nodes). */
    public SessionGroup(Publisher others) {
        this.others = others;
    }

    /** A session id unique among the sessions of this server, whatever their protocol. */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /** A member has started (a hixie-76 connection then waits for key3). */
    public void started(Member member) {
        members.putIfAbsent(member, Boolean.FALSE);
    }

    /** A member has opened: broadcasts reach it. */
    public void opened(Member member) {
        if (members.put(member, Boolean.TRUE) != Boolean.TRUE) {
            openCount.incrementAndGet();
        }
    }

    /** A member has ended; idempotent. */
    public void ended(Member member) {
        if (members.remove(member) == Boolean.TRUE) {
            openCount.decrementAndGet();
        }
    }

    /** Open sessions. */
    public int openCount() {
        return openCount.get();
    }

    /** Open sessions by protocol, for the metrics. */
    public Map<String, Integer> openCountByProtocol() {
        Map<String, Integer> counts = new TreeMap<>();
        members.forEach((member, open) -> {
            if (open) {
                counts.merge(member.protocol(), 1, Integer::sum);
            }
        });
        return counts;
    }

    /** Sessions from the upgrade to the end, hixie-76 connections still waiting for key3 included. */
    public int connectionCount() {
        return members.size();
    }

    /** Every member, for shutdown. */
    public List<Member> snapshot() {
        return List.copyOf(members.keySet());
    }

    /**
     * Queues the message for every open session here, then hands it to the other nodes;
     * returns how many local sessions took it.
     */
    public int broadcast(String text) {
        int queued = deliverLocally(text);
        others.publish(text);
        return queued;
    }

    /**
     * Encodes the hixie-76 frame once and queues the message for every open session here only
     * (what another node published arrives this way); returns how many took it.
     */
    public int deliverLocally(String text) {
        ByteBuffer frame = FrameEncoder.text(text);
        int queued = 0;
        for (Map.Entry<Member, Boolean> member : members.entrySet()) {
            if (member.getValue() && member.getKey().deliver(text, frame)) {
                queued++;
            }
        }
        return queued;
    }
}
