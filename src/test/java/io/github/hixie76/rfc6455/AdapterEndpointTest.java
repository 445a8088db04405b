package io.github.hixie76.rfc6455;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import org.junit.jupiter.api.Test;

/** Which container closes count as a limit in the metrics. */
class AdapterEndpointTest {

    private static String dropped(CloseCodes code, String phrase) {
        return AdapterEndpoint.droppedBy(new CloseReason(code, phrase));
    }

    @Test
    void tooBigIsTheMessageSizeLimit() {
        assertEquals("message-size", dropped(CloseCodes.TOO_BIG, "Text message too large: 1,048,577 > 1,048,576"));
    }

    @Test
    void goingAwayForATimeoutIsTheIdleTimeoutAsJettyAndTomcatSayIt() {
        assertEquals("idle-timeout", dropped(CloseCodes.GOING_AWAY, "Connection Idle Timeout"));
        assertEquals("idle-timeout", dropped(CloseCodes.GOING_AWAY, "The WebSocket session [3] timeout expired"));
    }

    @Test
    void otherClosesAreNoLimit() {
        assertNull(dropped(CloseCodes.GOING_AWAY, ""));
        assertNull(dropped(CloseCodes.GOING_AWAY, null));
        assertNull(dropped(CloseCodes.NORMAL_CLOSURE, "timeout"));
        assertNull(dropped(CloseCodes.CANNOT_ACCEPT, "text messages only"));
    }
}
