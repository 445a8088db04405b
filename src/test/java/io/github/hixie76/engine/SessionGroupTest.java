package io.github.hixie76.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who counts and who gets a broadcast, as members start, open and end, in any repetition. */
class SessionGroupTest {

    private final List<String> published = new ArrayList<>();
    private final SessionGroup group = new SessionGroup(published::add);

    private static final class Peer implements Member {
        final String protocol;
        final List<String> got = new ArrayList<>();

        Peer(String protocol) {
            this.protocol = protocol;
        }

        @Override
        public boolean deliver(String text, ByteBuffer hixie76Frame) {
            got.add(text + " " + hixie76Frame.remaining());
            return true;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public String protocol() {
            return protocol;
        }
    }

    @Test
    void startedMembersCountAsConnectionsAndOnlyOpenOnesGetBroadcasts() {
        Peer waiting = new Peer("hixie-76");
        Peer open = new Peer("hixie-76");
        Peer current = new Peer("rfc6455");
        group.started(waiting);
        group.started(open);
        group.opened(open);
        group.opened(current);

        assertEquals(3, group.connectionCount());
        assertEquals(2, group.openCount());
        assertEquals(Map.of("hixie-76", 1, "rfc6455", 1), group.openCountByProtocol());
        assertEquals(2, group.broadcast("hi"));
        assertEquals(List.of(), waiting.got);
        assertEquals(List.of("hi 4"), open.got, "the frame 00 'hi' FF");
        assertEquals(List.of("hi 4"), current.got);
        assertEquals(List.of("hi"), published, "and to the other nodes once");
        assertEquals(2, group.deliverLocally("from another node"));
        assertEquals(List.of("hi"), published, "what other nodes sent is not sent back");
        assertEquals(Set.of(waiting, open, current), Set.copyOf(group.snapshot()));
    }

    @Test
    void repeatedEventsCountOnce() {
        Peer peer = new Peer("hixie-76");
        group.started(peer);
        group.opened(peer);
        group.opened(peer);
        group.started(peer);
        assertEquals(1, group.openCount(), "started after opened does not close it");
        assertEquals(1, group.connectionCount());

        group.ended(peer);
        group.ended(peer);
        assertEquals(0, group.openCount());
        assertEquals(0, group.connectionCount());
        assertEquals(0, group.broadcast("gone"));
        assertEquals(List.of(), peer.got);
    }

    @Test
    void aMemberThatEndsBeforeOpeningNeverCountedAsOpen() {
        Peer peer = new Peer("hixie-76");
        group.started(peer);
        group.ended(peer);
        assertEquals(0, group.openCount());
        assertEquals(0, group.connectionCount());
    }

    @Test
    void idsAreUnique() {
        assertNotEquals(SessionGroup.nextId(), SessionGroup.nextId());
    }
}
