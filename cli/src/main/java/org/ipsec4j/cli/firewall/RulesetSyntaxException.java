package org.ipsec4j.cli.firewall;

/** A ruleset line that cannot be read or that uses syntax the checker does not model; names the line. */
public final class RulesetSyntaxException extends Exception {

    private final int line;
    private final String lineText;

    public RulesetSyntaxException(int line, String lineText, String message) {
        super(message);
        this.line = line;
        this.lineText = lineText;
    }

    public int line() {
        return line;
    }

    public String lineText() {
        return lineText;
    }

    /** {@code line 7: unsupported match '-m recent' (in: -A INPUT -m recent ...)}. */
    public String describe() {
        if (line <= 0) {
            return getMessage();
        }
        return "line " + line + ": " + getMessage() + (lineText == null || lineText.isBlank() ? "" : " (in: " + lineText.strip() + ")");
    }
}
