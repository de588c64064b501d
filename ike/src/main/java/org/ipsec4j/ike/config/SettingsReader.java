package org.ipsec4j.ike.config;

import java.util.Arrays;

import org.ipsec4j.ike.config.SettingsTree.Entry;
import org.ipsec4j.ike.config.SettingsTree.Section;
import org.ipsec4j.ike.config.SettingsTree.Setting;

/**
 * Reads the strongswan.conf syntax that swanctl.conf uses (strongswan.conf(5) "SYNTAX"): {@code name { ... }}
 * sections, {@code key = value} settings whose value runs to the end of the line (trimmed, optionally in double
 * quotes), {@code #} comments. Whitespace and line breaks between names and braces do not matter.
 *
 * <p>Refused with a position: {@code include} (ipsec4j reads one file), section references
 * ({@code name : base { }}), dotted keys, braces or stray quotes inside an unquoted value, keys given twice,
 * a name used both as a key and as a section, unbalanced braces, and nesting deeper than {@link #MAX_DEPTH}.
 */
final class SettingsReader {

    /** swanctl.conf needs four levels (connections.conn.children.child); anything near this is garbage. */
    static final int MAX_DEPTH = 16;

    private final SourceText source;
    private final String text;
    private int position;

    private SettingsReader(SourceText source) {
        this.source = source;
        this.text = source.text();
    }

    static Section read(SourceText source) throws ConfigException {
        SettingsReader reader = new SettingsReader(source);
        if (reader.text.startsWith("\uFEFF")) {
            reader.position = 1;
        }
        Section root = new Section("", 0);
        reader.readBody(root, "", 0);
        return root;
    }

    private void readBody(Section section, String path, int depth) throws ConfigException {
        while (true) {
            skipBlanksAndComments();
            if (position >= text.length()) {
                if (depth > 0) {
                    throw source.error(position, path + ": missing '}' to close the section opened at "
                            + source.position(section.offset()));
                }
                return;
            }
            char c = text.charAt(position);
            if (c == '}') {
                if (depth == 0) {
                    throw source.error(position, "'}' without a matching '{'");
                }
                position++;
                return;
            }
            if (!isNameChar(text.codePointAt(position))) {
                throw source.error(position, "expected a section name or a key, found " + describe(position));
            }
            int nameOffset = position;
            String name = readName();
            String entryPath = path.isEmpty() ? name : path + "." + name;
            int afterName = position;
            skipBlanksAndComments();
            char next = position < text.length() ? text.charAt(position) : 0;
            if (next == '{') {
                position++;
                Section sub = subsection(section, name, nameOffset, entryPath);
                if (depth + 1 >= MAX_DEPTH) {
                    throw source.error(nameOffset, entryPath + ": sections nested more than " + MAX_DEPTH
                            + " deep");
                }
                readBody(sub, entryPath, depth + 1);
            } else if (next == '=') {
                position++;
                Setting setting = readValue(name, nameOffset);
                Entry existing = section.get(name);
                if (existing != null) {
                    throw source.error(nameOffset, entryPath + ": " + (existing instanceof Setting
                            ? "given twice (first at " : "is also a section (at ")
                            + source.position(existing.offset()) + ")");
                }
                section.add(setting);
            } else if (name.equals("include")) {
                throw source.error(nameOffset, "include is not supported by ipsec4j: put the whole "
                        + "configuration in this one file");
            } else if (next == ':') {
                throw source.error(position, entryPath + ": section references (name : base { }) are not "
                        + "supported by ipsec4j");
            } else if (afterName < text.length() && text.charAt(afterName) == '.') {
                throw source.error(afterName, "dotted keys (" + name + ".x = ...) are not supported: write "
                        + name + " { x = ... }");
            } else {
                throw source.error(position, entryPath + ": expected '{' or '=' after '" + name + "', found "
                        + describe(position));
            }
        }
    }

    private Section subsection(Section parent, String name, int nameOffset, String path) throws ConfigException {
        Entry existing = parent.get(name);
        if (existing instanceof Section merged) {
            return merged; // strongSwan merges sections of the same name
        }
        if (existing != null) {
            throw source.error(nameOffset, path + ": is also a key (at " + source.position(existing.offset())
                    + ")");
        }
        Section sub = new Section(name, nameOffset);
        parent.add(sub);
        return sub;
    }

    private String readName() {
        int start = position;
        while (position < text.length() && isNameChar(text.codePointAt(position))) {
            position += Character.charCount(text.codePointAt(position));
        }
        return text.substring(start, position);
    }

    /** The value after '=': the rest of the line, trimmed; or a quoted string followed only by a comment. */
    private Setting readValue(String name, int nameOffset) throws ConfigException {
        while (position < text.length() && isInlineBlank(text.charAt(position))) {
            position++;
        }
        if (position < text.length() && text.charAt(position) == '"') {
            return readQuoted(name, nameOffset);
        }
        int start = position;
        while (position < text.length() && text.charAt(position) != '\n' && text.charAt(position) != '#') {
            char c = text.charAt(position);
            if (c == '"') {
                throw source.error(position, "a quote inside a value: quote the whole value (\"...\")");
            }
            if (c == '{' || c == '}') {
                throw source.error(position, "'" + c + "' inside a value: a value runs to the end of the line, "
                        + "so put '}' on a line of its own (or quote the value)");
            }
            if (isControl(c)) {
                throw source.error(position, "control character " + describe(position) + " in a value");
            }
            position++;
        }
        int end = position;
        while (end > start && isInlineBlank(text.charAt(end - 1))) {
            end--;
        }
        int[] offsets = new int[end - start + 1];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = start + i;
        }
        return new Setting(name, nameOffset, text.substring(start, end), offsets);
    }

    private Setting readQuoted(String name, int nameOffset) throws ConfigException {
        int open = position++;
        StringBuilder value = new StringBuilder();
        int[] offsets = new int[16];
        int count = 0;
        while (true) {
            if (position >= text.length() || text.charAt(position) == '\n') {
                throw source.error(open, "unterminated quoted string: no closing '\"' on this line");
            }
            char c = text.charAt(position);
            if (c == '"') {
                break;
            }
            int at = position;
            if (c == '\\') {
                char escaped = position + 1 < text.length() ? text.charAt(position + 1) : 0;
                c = switch (escaped) {
                    case '"', '\\' -> escaped;
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> throw source.error(position, "unknown escape in a quoted string (use \\\", \\\\, "
                            + "\\n or \\t)");
                };
                position++;
            } else if (isControl(c) && c != '\t') {
                throw source.error(position, "control character " + describe(position) + " in a value");
            }
            position++;
            if (count + 1 >= offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[count++] = at;
            value.append(c);
        }
        offsets[count] = position; // the closing quote
        position++;
        while (position < text.length() && isInlineBlank(text.charAt(position))) {
            position++;
        }
        if (position < text.length() && text.charAt(position) != '\n' && text.charAt(position) != '#') {
            throw source.error(position, "unexpected " + describe(position) + " after the quoted value");
        }
        return new Setting(name, nameOffset, value.toString(), Arrays.copyOf(offsets, count + 1));
    }

    private void skipBlanksAndComments() throws ConfigException {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '#') {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else if (isInlineBlank(c) || c == '\n') {
                position++;
            } else if (isControl(c)) {
                throw source.error(position, "unexpected control character " + describe(position));
            } else {
                return;
            }
        }
    }

    /** strongswan.conf(5): names may contain any printable character except . , : { } = " # and blanks. */
    static boolean isNameChar(int c) {
        return switch (c) {
            case '.', ',', ':', '{', '}', '=', '"', '#' -> false;
            default -> c > ' ' && c != 0x7F && !Character.isISOControl(c) && !Character.isWhitespace(c)
                    && !Character.isSpaceChar(c) && c != 0xFEFF;
        };
    }

    private static boolean isInlineBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isControl(char c) {
        return (c < ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != 0x0B) || c == 0x7F;
    }

    /** {@code 'c'} for a printable ASCII character, {@code U+XXXX} otherwise, "the end of the file" past it. */
    private String describe(int index) {
        if (index >= text.length()) {
            return "the end of the file";
        }
        int c = text.codePointAt(index);
        if (c == '\n') {
            return "the end of the line";
        }
        return c >= 0x21 && c <= 0x7E ? "'" + (char) c + "'" : String.format("U+%04X", c);
    }
}
