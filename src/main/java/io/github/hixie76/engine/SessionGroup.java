package io.github.hixie76.engine;

import io.github.hixie76.protocol.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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

    private final Set<Member> all = ConcurrentHashMap.newKeySet();
    private final Set<Member> open = ConcurrentHashMap.newKeySet();
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
    public static String nextId() {
        return Long.toString(IDS.incrementAndGet());
    }

    /** A member has started (a hixie-76 connection then waits for key3). */
    public void started(Member member) {
        all.add(member);
    }

    /** A member has opened: broadcasts reach it. */
    public void opened(Member member) {
        all.add(member);
        open.add(member);
    }

    /** A member has ended; idempotent. */
    public void ended(Member member) {
        open.remove(member);
        all.remove(member);
    }

    /** Open sessions. */
    public int openCount() {
        return open.size();
    }

    /** Open sessions by protocol, for the metrics. */
    public Map<String, Integer> openCountByProtocol() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Member member : open) {
            counts.merge(member.protocol(), 1, Integer::sum);
        }
        return counts;
    }

    /** Sessions from the upgrade to the end, hixie-76 connections still waiting for key3 included. */
    public int connectionCount() {
        return all.size();
    }

    /** Every member, for shutdown. */
    public List<Member> snapshot() {
        return List.copyOf(all);
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
        for (Member member : open) {
            if (member.deliver(text, frame)) {
                queued++;
            }
        }
        return queued;
    }
}
