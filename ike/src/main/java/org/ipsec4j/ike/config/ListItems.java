package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.List;

/** Splits swanctl.conf's comma separated lists, keeping where each item starts for error positions. */
final class ListItems {

    private ListItems() {
    }

    /** One item, trimmed, with the offset of its first char in the whole value. */
    record Item(String text, int offset) {
    }

    /** The items of a non-empty list; an empty item ("a,,b", a trailing comma, or nothing) is an error. */
    static List<Item> split(String value) throws InvalidValueException {
        List<Item> items = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            int from = start;
            int to = end;
            while (from < to && isBlank(value.charAt(from))) {
                from++;
            }
            while (to > from && isBlank(value.charAt(to - 1))) {
                to--;
            }
            if (from == to) {
                throw new InvalidValueException(from, value.isBlank() ? "expected a list, found nothing"
                        : "empty item in the list");
            }
            items.add(new Item(value.substring(from, to), from));
            if (comma < 0) {
                return items;
            }
            start = comma + 1;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0B;
    }
}
