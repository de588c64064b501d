package org.ipsec4j.ike.config;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * IP address literals, prefixes and ranges as swanctl.conf writes them. Never resolves a name: text that looks
 * like a host name is refused with a message saying so.
 */
final class AddressText {

    private AddressText() {
    }

    /** An IPv4 dotted quad or an IPv6 literal (RFC 4291 §2.2, no zone index). */
    static IpAddress literal(String text, int base) throws InvalidValueException {
        if (text.isEmpty()) {
            throw new InvalidValueException(base, "expected an IP address, found nothing");
        }
        try {
            if (text.indexOf(':') >= 0) {
                if (text.indexOf('%') >= 0) {
                    throw new InvalidValueException(base + text.indexOf('%'),
                            "IPv6 zone indexes (%eth0) are not supported in '" + shown(text) + "'");
                }
            }
            if (isLiteralShape(text)) {
                return IpAddress.parse(text);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(base, "'" + shown(text) + "' is not an IP address");
        }
        if (looksLikeHostName(text)) {
            throw new InvalidValueException(base, "'" + shown(text) + "': host names are not supported "
                    + "(ipsec4j does no DNS lookups); write an IP address");
        }
        throw new InvalidValueException(base, "'" + shown(text) + "' is not an IP address");
    }

    /** {@code ADDR}, {@code ADDR/LEN} or {@code FIRST-LAST}; host bits of a prefix are ignored, as strongSwan does. */
    static AddressRange range(String text, int base) throws InvalidValueException {
        int slash = text.indexOf('/');
        if (slash >= 0) {
            IpAddress address = literal(text.substring(0, slash), base);
            String length = text.substring(slash + 1);
            int bits = address.family().addressLength() * 8;
            int value = -1;
            if (!length.isEmpty() && length.length() <= 3 && length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                value = Integer.parseInt(length);
            }
            if (value < 0 || value > bits) {
                throw new InvalidValueException(base + slash + 1, "bad prefix length '" + shown(length)
                        + "' (0.." + bits + ")");
            }
            return AddressRange.prefix(address, value);
        }
        int dash = text.indexOf('-');
        if (dash >= 0) {
            IpAddress first = literal(text.substring(0, dash), base);
            IpAddress last = literal(text.substring(dash + 1), base + dash + 1);
            if (first.family() != last.family()) {
                throw new InvalidValueException(base, "range '" + shown(text) + "' mixes IPv4 and IPv6");
            }
            if (first.compareTo(last) > 0) {
                throw new InvalidValueException(base, "range '" + shown(text) + "' runs backwards");
            }
            return new AddressRange(first, last);
        }
        return AddressRange.single(literal(text, base));
    }

    private static boolean isLiteralShape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Letters, digits, dots and dashes with at least one letter: a DNS name someone hoped we would resolve. */
    private static boolean looksLikeHostName(String text) {
        boolean letter = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letter = true;
            } else if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '_') {
                return false;
            }
        }
        return letter;
    }

    /** A piece of input as messages show it: shortened, with unprintable characters escaped. */
    static String shown(String text) {
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (count++ == 40) {
                out.append("...");
                break;
            }
            if (c >= 0x20 && c < 0x7F && c != '\'') {
                out.append((char) c);
            } else {
                out.append(String.format("\\u%04X", c));
            }
        }
        return out.toString();
    }
}
