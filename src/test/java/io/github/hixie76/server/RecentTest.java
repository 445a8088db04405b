package io.github.hixie76.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hixie76.protocol.Location;
import io.github.hixie76.protocol.ProtocolException;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** What the sessions of one endpoint share of their handshakes, and that sharing changes no value. */
class RecentTest {

    private final Recent recent = new Recent();

    @Test
    void anEqualStringSeenLatelyIsTheOneKept() {
        String first = new String("Mozilla/5.0 (SMART-TV; Linux; Tizen 2.3)");
        String second = new String(first);
        assertNotSame(first, second);

        assertSame(first, recent.string(first));
        assertSame(first, recent.string(second), "the second device's equal value is the first one's String");
        assertEquals("other", recent.string("other"));
        assertNull(recent.string(null));
    }

    @Test
    void aValueTakesItsSlotFromAnOtherButNeverChangesWhatIsReturned() {
        // more distinct values than slots: every answer is still equal to what was asked
        for (int i = 0; i < 5_000; i++) {
            String value = "key " + i;
            assertEquals(value, recent.string(new String(value)));
        }
    }

    @Test
    void longStringsAreNotKept() {
        String cookie = "c=" + "x".repeat(600);
        recent.string(cookie);
        assertNotSame(cookie, recent.string(new String(cookie)));
    }

    @Test
    void aLocationSeenBeforeIsTheSameUriAsLocationMakesIt() throws ProtocolException {
        String location = "ws://tv.example:8080/chat?room=a%7Cb|c";
        URI first = recent.uri(location);
        assertEquals(Location.toUri(location), first);
        assertSame(first, recent.uri(new String(location)), "parsed once");
        assertEquals(URI.create("ws://tv.example:8080/other"), recent.uri("ws://tv.example:8080/other"));
    }

    @Test
    void aMalformedLocationIsRefusedEveryTime() {
        assertThrows(ProtocolException.class, () -> recent.uri("ws://bad host/chat"));
        assertThrows(ProtocolException.class, () -> recent.uri("ws://bad host/chat"));
    }

    @Test
    void peersAtOneAddressShareItAndKeepTheirPorts() {
        InetSocketAddress a = recent.address("192.0.2.7", 40001);
        InetSocketAddress b = recent.address(new String("192.0.2.7"), 40002);

        assertEquals(new InetSocketAddress("192.0.2.7", 40001), a);
        assertEquals(new InetSocketAddress("192.0.2.7", 40002), b);
        assertSame(a.getAddress(), b.getAddress(), "one InetAddress for both");
        assertEquals("192.0.2.7", b.getHostString());
        InetSocketAddress v6 = recent.address("0:0:0:0:0:0:0:1", 5);
        assertEquals(new InetSocketAddress("0:0:0:0:0:0:0:1", 5), v6);
    }

    @Test
    void aPeerThatIsNoAddressIsMadeAsBeforeAndNotKept() {
        // what a proxy may forward instead of an address (RFC 7239 obfuscated identifier)
        InetSocketAddress hidden = recent.address("_hidden", 80);
        assertEquals(new InetSocketAddress("_hidden", 80), hidden);
        assertTrue(hidden.isUnresolved());
        assertTrue(recent.address("_hidden", 81).isUnresolved());
    }
}
