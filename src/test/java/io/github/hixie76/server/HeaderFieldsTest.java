package io.github.hixie76.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link HeaderFields}: the same map the handshake's headers were before, lower-case names in order. */
class HeaderFieldsTest {

    private final HeaderFields fields = new HeaderFields(List.of(
            "Host", "example.com",
            "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5",
            "X-Many", "a",
            "X-Many", "b",
            "Origin", "http://example.com"));

    @Test
    void looksUpLowerCaseNamesOnly() {
        assertEquals(List.of("4 @1  46546xW%0l 1 5"), fields.get("sec-websocket-key1"));
        assertEquals(List.of("a", "b"), fields.get("x-many"));
        assertNull(fields.get("Sec-WebSocket-Key1"), "keys are lower-case, as before");
        assertNull(fields.get("sec-websocket-key2"));
        assertTrue(fields.containsKey("origin"));
        assertFalse(fields.containsKey("cookie"));
    }

    @Test
    void equalsTheMapOfListsInRequestOrder() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("host", List.of("example.com"));
        expected.put("sec-websocket-key1", List.of("4 @1  46546xW%0l 1 5"));
        expected.put("x-many", List.of("a", "b"));
        expected.put("origin", List.of("http://example.com"));
        assertEquals(expected, fields);
        assertEquals(expected.hashCode(), fields.hashCode());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(fields.keySet()));
        assertEquals(4, fields.size());
    }

    @Test
    void isUnmodifiable() {
        assertThrows(UnsupportedOperationException.class, () -> fields.put("x", List.of("y")));
        assertThrows(UnsupportedOperationException.class, () -> fields.get("x-many").add("c"));
        assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().clear());
    }
}
