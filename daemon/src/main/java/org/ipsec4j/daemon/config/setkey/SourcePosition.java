package org.ipsec4j.daemon.config.setkey;

/** Where something starts in a setkey file: 1-based line and column (in code points). */
public record SourcePosition(int line, int column) {

    public SourcePosition {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1: " + line + ":" + column);
        }
    }

    /** Line and column of {@code offset} (a char index) in {@code text}; '\n' ends a line. */
    static SourcePosition of(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(offset, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(line, text.codePointCount(lineStart, end) + 1);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
