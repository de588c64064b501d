package org.ipsec4j.diag.analyze;

import java.util.Locale;

/** A small streaming JSON writer: commas and escaping are its business, structure the caller's. */
final class JsonWriter {

    private final StringBuilder out;
    private boolean needComma;
    private int depth;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    JsonWriter beginObject() {
        comma();
        out.append('{');
        needComma = false;
        depth++;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        needComma = true;
        depth--;
        return this;
    }

    JsonWriter beginArray() {
        comma();
        out.append('[');
        needComma = false;
        depth++;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        needComma = true;
        depth--;
        return this;
    }

    JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        needComma = false;
        return this;
    }

    JsonWriter value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        needComma = true;
        return this;
    }

    JsonWriter value(long v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    JsonWriter value(double v) {
        comma();
        out.append(String.format(Locale.ROOT, "%.6f", v));
        needComma = true;
        return this;
    }

    JsonWriter value(boolean v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    JsonWriter value(Boolean v) {
        comma();
        out.append(v == null ? "null" : v.toString());
        needComma = true;
        return this;
    }

    JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, Boolean v) {
        return name(name).value(v);
    }

    JsonWriter packets(String name, Iterable<Long> packets) {
        name(name).beginArray();
        for (long p : packets) {
            value(p);
        }
        return endArray();
    }

    JsonWriter strings(String name, Iterable<String> values) {
        name(name).beginArray();
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
