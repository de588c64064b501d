package org.ipsec4j.ike.config;

import java.util.Arrays;

/** The text being parsed with its name; turns char offsets into line:column for {@link ConfigException}. */
final class SourceText {

    private final String name;
    private final String text;
    private final int[] lineStarts;

    SourceText(String name, String text) {
        this.name = name;
        this.text = text;
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        lineStarts = new int[lines];
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineStarts[line++] = i + 1;
            }
        }
    }

    String name() {
        return name;
    }

    String text() {
        return text;
    }

    /** 1-based line of a char offset; offsets past the end count as the end. */
    int line(int offset) {
        int o = Math.clamp(offset, 0, text.length());
        int index = Arrays.binarySearch(lineStarts, o);
        return (index >= 0 ? index : -index - 2) + 1;
    }

    /** 1-based column, in code points, of a char offset. */
    int column(int offset) {
        int o = Math.clamp(offset, 0, text.length());
        int start = lineStarts[line(o) - 1];
        return text.codePointCount(start, o) + 1;
    }

    /** "line:column" of an offset, for messages that refer to another place. */
    String position(int offset) {
        return line(offset) + ":" + column(offset);
    }

    ConfigException error(int offset, String message) {
        return new ConfigException(name, line(offset), column(offset), message);
    }
}
