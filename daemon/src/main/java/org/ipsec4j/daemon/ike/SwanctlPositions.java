package org.ipsec4j.daemon.ike;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each section and setting of a swanctl.conf sits, by its dotted path ({@code connections.home.local.certs}),
 * so that problems found after parsing (a certificate that cannot be read, a pre-shared key that is missing) are
 * reported at {@code file:line:column} like the parser's own. The parsed model carries no positions; this reads
 * the same strongswan.conf syntax again, leniently: a path it cannot place falls back to its nearest enclosing
 * section, then to the start of the file.
 */
final class SwanctlPositions {

    /** A 1-based line and column (columns in code points, a tab counts as one, as the parser counts). */
    record Position(int line, int column) {}

    private final Map<String, Position> positions = new HashMap<>();

    private SwanctlPositions() {}

    static SwanctlPositions of(String text) {
        SwanctlPositions p = new SwanctlPositions();
        p.scan(text);
        return p;
    }

    /** The position of {@code path}, or of the closest enclosing section that has one; 1:1 otherwise. */
    Position locate(String path) {
        String p = path;
        while (true) {
            Position found = positions.get(p);
            if (found != null) {
                return found;
            }
            int dot = p.lastIndexOf('.');
            if (dot < 0) {
                return new Position(1, 1);
            }
            p = p.substring(0, dot);
        }
    }

    private void scan(String text) {
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        int line = 1;
        int lineStart = 0;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = ++i;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '}') {
                if (!stack.isEmpty()) {
                    stack.pop();
                }
                i++;
            } else if (c == '{' || c == '=') {
                i++; // stray; the parser has said what is wrong with it already
            } else {
                int start = i;
                Position at = new Position(line, text.codePointCount(lineStart, start) + 1);
                while (i < n && !Character.isWhitespace(text.charAt(i)) && "{}=#".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                String name = text.substring(start, i);
                // Blanks and comments (and line breaks) may separate a name from its '{' or '='.
                while (i < n) {
                    char d = text.charAt(i);
                    if (d == '\n') {
                        line++;
                        lineStart = ++i;
                    } else if (Character.isWhitespace(d)) {
                        i++;
                    } else if (d == '#') {
                        while (i < n && text.charAt(i) != '\n') {
                            i++;
                        }
                    } else {
                        break;
                    }
                }
                String path = stack.isEmpty() ? name : stack.peek() + "." + name;
                if (i < n && text.charAt(i) == '{') {
                    positions.putIfAbsent(path, at);
                    stack.push(path);
                    i++;
                } else if (i < n && text.charAt(i) == '=') {
                    positions.putIfAbsent(path, at);
                    int end = skipValue(text, i + 1);
                    for (int k = i; k < end; k++) {
                        if (text.charAt(k) == '\n') { // inside a quoted value that spans lines
                            line++;
                            lineStart = k + 1;
                        }
                    }
                    i = end;
                }
            }
        }
    }

    /** Past a value: to the end of the line, or past a double-quoted string (which may span lines). */
    private int skipValue(String text, int i) {
        int n = text.length();
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (i < n && text.charAt(i) == '"') {
            i++;
            while (i < n && text.charAt(i) != '"') {
                if (text.charAt(i) == '\\') {
                    i++;
                }
                i++;
            }
            return Math.min(n, i + 1);
        }
        while (i < n && text.charAt(i) != '\n') {
            i++;
        }
        return i;
    }
}
