package org.ipsec4j.daemon.config.setkey;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Numeric IPv4 and IPv6 addresses, parsed and printed without ever asking a resolver: {@link InetAddress} is
 * only built from bytes. Parse errors carry the index of the offending character.
 */
final class Addresses {

    /** A bad address; {@link #index} is relative to the start of the text handed to the parser. */
    static final class SyntaxError extends Exception {
        final int index;

        SyntaxError(int index, String message) {
            super(message, null, false, false);
            this.index = index;
        }
    }

    private Addresses() {}

    static int bits(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    static String family(InetAddress address) {
        return address instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    static InetAddress parse(String text) throws SyntaxError {
        if (text.isEmpty()) {
            throw new SyntaxError(0, "expected an address");
        }
        byte[] bytes;
        if (text.indexOf(':') >= 0) {
            bytes = parseIpv6(text);
        } else if (isDigitsAndDots(text)) {
            bytes = parseIpv4(text, 0);
        } else if (looksLikeHostName(text)) {
            throw new SyntaxError(0, "'" + text + "' is a host name; ipsec4j does not resolve names in "
                    + "configuration files: write a numeric IPv4 or IPv6 address");
        } else {
            int bad = 0;
            while (bad < text.length() && (isHex(text.charAt(bad)) || text.charAt(bad) == '.')) {
                bad++;
            }
            throw new SyntaxError(bad, "unexpected " + SetkeyLexer.quoteChar(text, bad) + " in an address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private static boolean isDigitsAndDots(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

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

    /** Parses {@code text[from..]} as a dotted quad: four decimal parts 0..255 without leading zeros. */
    private static byte[] parseIpv4(String text, int from) throws SyntaxError {
        byte[] bytes = new byte[4];
        int part = 0;
        int i = from;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                if (i - start == 3) {
                    String digits = digitsAt(text, start);
                    throw new SyntaxError(start, digits.charAt(0) == '0'
                            ? "leading zero in IPv4 address part '" + digits + "': write it without"
                            : "IPv4 address part '" + digits + "' is larger than 255");
                }
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                throw new SyntaxError(i, i == n ? "IPv4 address ends early: expected a number after '.'"
                        : "expected a number in the IPv4 address, found " + SetkeyLexer.quoteChar(text, i));
            }
            if (i - start > 1 && text.charAt(start) == '0') {
                throw new SyntaxError(start, "leading zero in IPv4 address part '" + text.substring(start, i)
                        + "' (some tools read it as octal): write it without");
            }
            if (value > 255) {
                throw new SyntaxError(start, "IPv4 address part " + value + " is larger than 255");
            }
            bytes[part++] = (byte) value;
            if (part == 4) {
                if (i < n) {
                    throw new SyntaxError(i, "unexpected " + SetkeyLexer.quoteChar(text, i)
                            + " after the fourth part of the IPv4 address");
                }
                return bytes;
            }
            if (i == n) {
                throw new SyntaxError(from, "IPv4 address '" + text.substring(from) + "' has " + part
                        + " parts; it needs 4");
            }
            if (text.charAt(i) != '.') {
                throw new SyntaxError(i, "unexpected " + SetkeyLexer.quoteChar(text, i) + " in an IPv4 address");
            }
            i++;
        }
    }

    private static String digitsAt(String text, int start) {
        int end = start;
        while (end < text.length() && end - start < 12 && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return text.substring(start, end);
    }

    private static byte[] parseIpv6(String text) throws SyntaxError {
        int zone = text.indexOf('%');
        if (zone >= 0) {
            throw new SyntaxError(zone, "zone index ('%...') is not supported: ipsec4j keys global addresses");
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int n = text.length();
        int i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (text.startsWith(":")) {
            throw new SyntaxError(0, "an IPv6 address cannot start with a single ':'");
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && isHex(text.charAt(i))) {
                if (i - start == 4) {
                    throw new SyntaxError(start, "IPv6 group longer than 4 hex digits");
                }
                value = value << 4 | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                if (count > 6 || (gap < 0 && count != 6)) {
                    throw new SyntaxError(start, "an IPv4 part may only end an IPv6 address, as its last 32 bits");
                }
                byte[] v4 = parseIpv4(text, start);
                groups[count++] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
                groups[count++] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
                i = n;
                break;
            }
            if (i == start) {
                throw new SyntaxError(i, "expected a hex group in the IPv6 address, found "
                        + SetkeyLexer.quoteChar(text, i));
            }
            if (count == 8) {
                throw new SyntaxError(start, "IPv6 address has more than 8 groups");
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                throw new SyntaxError(i, "unexpected " + SetkeyLexer.quoteChar(text, i) + " in an IPv6 address");
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    throw new SyntaxError(i - 1, "'::' may appear only once in an IPv6 address");
                }
                gap = count;
                i++;
            } else if (i == n) {
                throw new SyntaxError(i - 1, "an IPv6 address cannot end with a single ':'");
            }
        }
        if (gap < 0 && count != 8) {
            throw new SyntaxError(0, "IPv6 address has " + count + " groups; it needs 8, or '::' for zeros");
        }
        if (gap >= 0 && count == 8) {
            throw new SyntaxError(0, "IPv6 address has 8 groups and a '::' too");
        }
        byte[] bytes = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            bytes[2 * slot] = (byte) (groups[g] >> 8);
            bytes[2 * slot + 1] = (byte) groups[g];
        }
        if (isIpv4Mapped(bytes)) {
            throw new SyntaxError(0, "IPv4-mapped IPv6 address: write the IPv4 address " + (bytes[12] & 0xFF)
                    + "." + (bytes[13] & 0xFF) + "." + (bytes[14] & 0xFF) + "." + (bytes[15] & 0xFF));
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Dotted quad, or RFC 5952 text for IPv6 (lower case, longest run of zero groups as '::'). */
    static String format(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = (bytes[2 * g] & 0xFF) << 8 | (bytes[2 * g + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        return text.toString();
    }
}
