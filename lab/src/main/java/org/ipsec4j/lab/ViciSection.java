package org.ipsec4j.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One section of a VICI message as {@code swanctl ... --pretty} prints it: key-value pairs, lists of values and
 * nested sections, each in the order charon sent them.
 *
 * <p>The pretty form is read rather than {@code --raw} because it puts every value on a line of its own, so values
 * with spaces in them (distinguished names as IKE identities) stay whole:
 *
 * <pre>
 * list-sa event {
 *   s2s {
 *     state = ESTABLISHED
 *     local-id = C=CH, O=lab, CN=left
 *     child-sas {
 *       net-1 {
 *         local-ts = [
 *           10.1.0.0/24
 *         ]
 *       }
 *     }
 *   }
 * }
 * </pre>
 *
 * Values that are not printable text arrive as {@code 0x...} hex, as swanctl writes them.
 *
 * @param name     the section's name ({@code "list-sa event"} at the top, the IKE SA's name below it)
 * @param values   key-value pairs
 * @param lists    lists of values
 * @param sections nested sections
 */
public record ViciSection(String name, Map<String, String> values, Map<String, List<String>> lists,
                          List<ViciSection> sections) {

    public ViciSection {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        Map<String, List<String>> listsCopy = new LinkedHashMap<>();
        lists.forEach((k, v) -> listsCopy.put(k, List.copyOf(v)));
        lists = Collections.unmodifiableMap(listsCopy);
        sections = List.copyOf(sections);
    }

    /**
     * The top-level sections of swanctl's {@code --pretty} output, e.g. one {@code "list-sa event"} per IKE SA and
     * a final {@code "list-sas reply"}. Lines outside any section (log lines swanctl forwards) are skipped.
     *
     * @throws IllegalArgumentException if the nesting is broken, naming the line
     */
    public static List<ViciSection> parsePretty(String output) {
        List<ViciSection> top = new ArrayList<>();
        List<Builder> open = new ArrayList<>();
        String listKey = null;
        List<String> listItems = null;
        int lineNumber = 0;
        for (String rawLine : output.lines().toList()) {
            lineNumber++;
            String line = rawLine.strip();
            if (open.isEmpty()) {
                if (line.endsWith(" {") && !line.contains(" = ")) {
                    open.add(new Builder(line.substring(0, line.length() - 2)));
                }
                continue; // forwarded log lines and other chatter between messages
            }
            Builder current = open.getLast();
            if (listItems != null) {
                if (line.equals("]")) {
                    current.lists.put(listKey, listItems);
                    listKey = null;
                    listItems = null;
                } else {
                    listItems.add(line);
                }
            } else if (line.equals("}")) {
                open.removeLast();
                ViciSection done = current.build();
                if (open.isEmpty()) {
                    top.add(done);
                } else {
                    open.getLast().sections.add(done);
                }
            } else if (line.endsWith(" = [")) {
                listKey = line.substring(0, line.length() - 4);
                listItems = new ArrayList<>();
            } else if (line.contains(" = ")) {
                // Checked before sections: a value may itself end in " {".
                int eq = line.indexOf(" = ");
                current.values.put(line.substring(0, eq), line.substring(eq + 3));
            } else if (line.endsWith(" {")) {
                open.add(new Builder(line.substring(0, line.length() - 2)));
            } else if (line.endsWith(" =")) {
                current.values.put(line.substring(0, line.length() - 2), ""); // an empty value
            } else if (!line.isEmpty()) {
                throw new IllegalArgumentException("line " + lineNumber + " of swanctl output is neither a key, a list"
                        + " nor a section: " + rawLine + "\n" + output);
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("swanctl output ends inside section '" + open.getLast().name + "':\n"
                    + output);
        }
        return List.copyOf(top);
    }

    /** The value of {@code key}, if this section has one. */
    public Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value of {@code key}, or {@code fallback}. */
    public String value(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** The list {@code key}, empty if there is none. */
    public List<String> list(String key) {
        return lists.getOrDefault(key, List.of());
    }

    /** The nested section {@code name}, if there is one. */
    public Optional<ViciSection> section(String name) {
        return sections.stream().filter(s -> s.name.equals(name)).findFirst();
    }

    private static final class Builder {
        final String name;
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, List<String>> lists = new LinkedHashMap<>();
        final List<ViciSection> sections = new ArrayList<>();

        Builder(String name) {
            this.name = name;
        }

        ViciSection build() {
            return new ViciSection(name, values, lists, sections);
        }
    }
}
