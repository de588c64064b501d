package org.ipsec4j.ike.config;

import java.util.Objects;

/**
 * A swanctl.conf file that ipsec4j cannot load: a syntax error, a bad value, or something strongSwan accepts
 * but ipsec4j does not implement (which is refused, never silently ignored).
 *
 * <p>The message reads {@code source:line:column: problem}, as compilers write it, so editors can jump to it.
 * Lines and columns start at 1; a column counts Unicode code points, a tab counts as one. The problem text
 * starts with the dotted key path where there is one ({@code connections.home.children.net.updown: ...}) and
 * never contains a secret.
 */
public final class ConfigException extends Exception {

    private final String source;
    private final int line;
    private final int column;
    private final String problem;

    public ConfigException(String source, int line, int column, String message) {
        super(source + ":" + line + ":" + column + ": " + message, null, false, false);
        this.source = Objects.requireNonNull(source, "source");
        this.line = line;
        this.column = column;
        this.problem = Objects.requireNonNull(message, "message");
    }

    /** The file name (or other source name) given to the parser. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending text. */
    public int line() {
        return line;
    }

    /** 1-based column (in code points) of the offending text. */
    public int column() {
        return column;
    }

    /** The message without the {@code source:line:column:} prefix. */
    public String problem() {
        return problem;
    }
}
