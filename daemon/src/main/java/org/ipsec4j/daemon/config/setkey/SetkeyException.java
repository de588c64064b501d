package org.ipsec4j.daemon.config.setkey;

/**
 * A setkey file that cannot be loaded: a syntax error, a value out of range, something ipsec4j refuses, or a
 * statement that contradicts an earlier one in the same file.
 *
 * <p>The message reads {@code file:line:column: problem}, as compilers write it, so editors can jump to it.
 * Lines and columns start at 1; a column counts Unicode code points, a tab counts as one. The problem text
 * never contains key material.
 */
public final class SetkeyException extends Exception {

    private final String fileName;
    private final int line;
    private final int column;
    private final String problem;

    public SetkeyException(String fileName, int line, int column, String problem) {
        super(fileName + ":" + line + ":" + column + ": " + problem, null, false, false);
        this.fileName = fileName;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public SetkeyException(String fileName, SourcePosition position, String problem) {
        this(fileName, position.line(), position.column(), problem);
    }

    public String fileName() {
        return fileName;
    }

    /** 1-based line of the offending text. */
    public int line() {
        return line;
    }

    /** 1-based column (in code points) of the offending text. */
    public int column() {
        return column;
    }

    /** The message without the {@code file:line:column:} prefix. */
    public String problem() {
        return problem;
    }
}
