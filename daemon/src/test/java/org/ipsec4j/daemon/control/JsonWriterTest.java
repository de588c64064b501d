package org.ipsec4j.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesNestedDocumentsIndented() {
        String json = new JsonWriter().beginObject()
                .member("name", "ipsec4j")
                .member("count", 3)
                .member("ok", true)
                .name("list").beginArray().value(1).value("two").nullValue().endArray()
                .name("empty").beginObject().endObject()
                .name("none").beginArray().endArray()
                .endObject().toString();
        assertEquals("""
                {
                  "name": "ipsec4j",
                  "count": 3,
                  "ok": true,
                  "list": [
                    1,
                    "two",
                    null
                  ],
                  "empty": {},
                  "none": []
                }
                """, json);
    }

    @Test
    void escapesWhatRfc8259Requires() {
        String json = new JsonWriter().beginArray()
                .value("quote \" backslash \\ slash / newline \n tab \t cr \r bs \b ff \f nul \0 esc \u001b del \u007f")
                .endArray().toString();
        assertEquals("[\n  \"quote \\\" backslash \\\\ slash / newline \\n tab \\t cr \\r bs \\b ff \\f nul \\u0000"
                + " esc \\u001b del \\u007f\"\n]\n", json);
    }

    @Test
    void keepsUnicodeAndReplacesLoneSurrogates() {
        String json = new JsonWriter().beginArray().value("é ☃ \uD83D\uDE00").value("lone \uD800 x \uDC00")
                .value("\u2028\u2029").endArray().toString();
        assertEquals("[\n  \"é ☃ \uD83D\uDE00\",\n  \"lone \\ufffd x \\ufffd\",\n  \"\\u2028\\u2029\"\n]\n", json);
    }

    @Test
    void escapesNamesToo() {
        assertEquals("{\n  \"a\\\"b\": \"c\"\n}\n", new JsonWriter().beginObject().member("a\"b", "c").endObject()
                .toString());
    }
}
