package io.github.hixie76.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Targets as hixie76.relays and the register methods take them, and the backend URI each gives. */
class RelayTargetTest {

    @Test
    void aPathGoesThroughTheConnectorThatTookTheRequestInTheSameContext() {
        RelayTarget target = RelayTarget.parse(" /chat ");
        assertEquals(URI.create("ws://127.0.0.1:8080/app/chat"), target.resolve(false, "127.0.0.1", 8080, "/app", null));
        assertEquals(URI.create("wss://[::1]:8443/chat?room=1"), target.resolve(true, "::1", 8443, "", "room=1"));
    }

    @Test
    void anAbsoluteUriIsUsedAsItIsKeepingItsOwnQuery() {
        RelayTarget target = RelayTarget.parse("wss://feeds.example.com/ticker?v=2");
        assertEquals(URI.create("wss://feeds.example.com/ticker?v=2"),
                target.resolve(false, "127.0.0.1", 8080, "/app", "room=1"));
        assertEquals(URI.create("ws://feeds.example.com/t?room=1"),
                RelayTarget.parse("ws://feeds.example.com/t").resolve(false, "10.0.0.1", 80, "", "room=1"));
    }

    @Test
    void anythingElseIsRefusedSayingWhatATargetIs() {
        for (String bad : new String[] {"http://example.com/chat", "chat", "ws:/no-host", "", "ws://exa mple.com/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelayTarget.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("relay target"), e.getMessage());
        }
    }

    @Test
    void utf8LengthsAreCountedAsEncoded() {
        assertEquals(0, Utf8.length(""));
        assertEquals(1 + 2 + 3 + 4, Utf8.length("aé✓𝄞"));
        assertEquals(3, Utf8.length("\ud800")); // a lone surrogate: 3, at least what any encoder writes for it
    }
}
