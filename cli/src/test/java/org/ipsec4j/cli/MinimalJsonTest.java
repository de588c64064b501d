package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.ipsec4j.daemon.control.JsonWriter;
import org.junit.jupiter.api.Test;

/** The test reader against the daemon's writer: what one writes, the other reads back unchanged. */
class MinimalJsonTest {

    @Test
    void readsWhatTheWriterWrites() {
        String tricky = "q\" b\\ n\n t\t c\u0001 del\u007f é ☃ \uD83D\uDE00 \u2028";
        String json = new JsonWriter().beginObject()
                .member("s", tricky)
                .member("n", -42)
                .member("t", true)
                .name("a").beginArray().value(1).nullValue().beginObject().endObject().endArray()
                .endObject().toString();
        Map<String, Object> read = MinimalJson.object(MinimalJson.parse(json));
        assertEquals(tricky, read.get("s"));
        assertEquals(-42L, read.get("n"));
        assertEquals(true, read.get("t"));
        assertEquals(java.util.Arrays.asList(1L, null, Map.of()), read.get("a"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("{", "{\"a\":1,}", "[1 2]", "\"\u0001\"", "{\"a\":1}x", "tru", "{\"a\":1,\"a\":2}")) {
            assertThrows(IllegalArgumentException.class, () -> MinimalJson.parse(bad), bad);
        }
    }
}
