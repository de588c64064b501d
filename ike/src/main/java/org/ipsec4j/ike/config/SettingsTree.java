package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The generic strongswan.conf-style tree of a swanctl.conf file, before any meaning is given to it: sections
 * holding settings and subsections in file order, each with the char offset where it was written.
 *
 * <p>As in strongSwan, sections of the same name in one parent are merged into the first one. Unlike
 * strongSwan, a key given twice in one (merged) section is an error rather than "the last one wins", so no
 * line of the file is silently overridden.
 */
final class SettingsTree {

    private SettingsTree() {
    }

    sealed interface Entry permits Section, Setting {
        String name();

        /** Char offset of the name in the source. */
        int offset();
    }

    /**
     * {@code key = value}. {@code value} is trimmed and unquoted; {@code valueOffsets[i]} is the source offset of
     * {@code value.charAt(i)}, and {@code valueOffsets[value.length()]} the offset just past the value.
     */
    record Setting(String name, int offset, String value, int[] valueOffsets) implements Entry {

        /** Source offset of the char at {@code index} of the value (or just past its end). */
        int valueOffset(int index) {
            return valueOffsets[Math.clamp(index, 0, valueOffsets.length - 1)];
        }
    }

    /** {@code name { ... }}. The root section has the name "" and offset 0. */
    static final class Section implements Entry {
        private final String name;
        private final int offset;
        private final List<Entry> entries = new ArrayList<>();
        private final Map<String, Entry> byName = new HashMap<>();

        Section(String name, int offset) {
            this.name = name;
            this.offset = offset;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int offset() {
            return offset;
        }

        /** Settings and subsections in the order they first appear. */
        List<Entry> entries() {
            return Collections.unmodifiableList(entries);
        }

        Entry get(String entryName) {
            return byName.get(entryName);
        }

        void add(Entry entry) {
            entries.add(entry);
            byName.put(entry.name(), entry);
        }

        @Override
        public String toString() {
            return "Section[" + name + ", " + entries.size() + " entries]";
        }
    }
}
