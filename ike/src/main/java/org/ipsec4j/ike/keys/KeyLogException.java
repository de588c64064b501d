package org.ipsec4j.ike.keys;

import java.io.IOException;

/** A key log that cannot be read: the message names the source, the line and what is wrong (never a key). */
public final class KeyLogException extends IOException {

    private final int line;

    public KeyLogException(String source, int line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + problem);
        this.line = line;
    }

    /** The 1-based line, or 0 when the problem is the whole file. */
    public int line() {
        return line;
    }
}
