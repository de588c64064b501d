package org.ipsec4j.ike.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * An IKE identity (RFC 7296 §3.5): the ID type and the identification data as they go into an ID payload, plus
 * the wildcard {@link #any()} for configurations. Text follows strongSwan's identity parsing rules, so a
 * swanctl.conf {@code id} means here what it means to strongSwan:
 * <ul>
 * <li>a string with '=' is a distinguished name ("C=CH, O=strongSwan, CN=moon" or "/C=CH/CN=moon"); if it
 *     does not parse as one it becomes a KEY_ID holding the text;</li>
 * <li>"@#0123ab" is a KEY_ID in hex, "@@user" an RFC 822 address, "@host" an FQDN, and any other string with
 *     an '@' an RFC 822 address;</li>
 * <li>"", "%any", "%any6", "0.0.0.0", "::" and "*" match anything;</li>
 * <li>an IPv6 literal (a string with ':') is an IPv6 address (a KEY_ID if it does not parse), a dotted quad an
 *     IPv4 address, anything else an FQDN;</li>
 * <li>a type prefix forces the type: "fqdn:", "dns:", "email:", "rfc822:", "userfqdn:", "keyid:", "asn1dn:",
 *     "ipv4:", "ipv6:"; with "keyid:" and "asn1dn:" a value starting with '#' is hex.</li>
 * </ul>
 * Records compare by type and exact data; {@link #matches(Identity)} is the looser comparison of a configured
 * identity with the one a peer sent.
 *
 * @param type an ID type (the values of {@code message.IdentificationType}), or {@link #ANY} for the wildcard
 * @param data the identification data; copied in and out
 */
public record Identity(int type, byte[] data) {

    /** strongSwan's ID_ANY: not an IKE ID type, only a configuration wildcard. */
    public static final int ANY = 0;
    public static final int IPV4_ADDR = 1;
    public static final int FQDN = 2;
    public static final int RFC822_ADDR = 3;
    public static final int IPV6_ADDR = 5;
    public static final int DER_ASN1_DN = 9;
    public static final int DER_ASN1_GN = 10;
    public static final int KEY_ID = 11;

    private static final Identity ANY_IDENTITY = new Identity(ANY, new byte[0]);
    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF};

    public Identity {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("ID type out of range: " + type);
        }
        data = Objects.requireNonNull(data, "data").clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public static Identity any() {
        return ANY_IDENTITY;
    }

    public static Identity fqdn(String name) {
        return new Identity(FQDN, name.getBytes(StandardCharsets.UTF_8));
    }

    public static Identity rfc822(String address) {
        return new Identity(RFC822_ADDR, address.getBytes(StandardCharsets.UTF_8));
    }

    public static Identity keyId(byte[] keyId) {
        return new Identity(KEY_ID, keyId);
    }

    public static Identity address(InetAddress address) {
        byte[] b = address.getAddress();
        return new Identity(b.length == 4 ? IPV4_ADDR : IPV6_ADDR, b);
    }

    public static Identity distinguishedName(X500Principal name) {
        return new Identity(DER_ASN1_DN, name.getEncoded());
    }

    /** Parses an identity the way strongSwan does (see the class comment). */
    public static Identity parse(String text) {
        String s = text.strip();
        Identity typed = parseTyped(s);
        if (typed != null) {
            return typed;
        }
        if (s.indexOf('=') >= 0) {
            try {
                return new Identity(DER_ASN1_DN, DistinguishedNames.encode(s));
            } catch (IllegalArgumentException e) {
                return keyId(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (s.indexOf('@') >= 0) {
            if (s.startsWith("@#")) {
                return keyId(hex(s.substring(2)));
            }
            if (s.startsWith("@@")) {
                return rfc822(s.substring(2));
            }
            if (s.startsWith("@")) {
                return fqdn(s.substring(1));
            }
            return rfc822(s);
        }
        switch (s) {
            case "", "%any", "%any6", "0.0.0.0", "::", "*" -> {
                return any();
            }
            default -> { }
        }
        if (s.indexOf(':') >= 0) {
            byte[] v6 = parseIpv6(s);
            return v6 != null ? new Identity(IPV6_ADDR, v6) : keyId(s.getBytes(StandardCharsets.UTF_8));
        }
        byte[] v4 = parseIpv4(s);
        return v4 != null ? new Identity(IPV4_ADDR, v4) : fqdn(s);
    }

    /** "type:value" with one of strongSwan's type prefixes, or null if {@code s} has none. */
    private static Identity parseTyped(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String value = s.substring(colon + 1);
        byte[] literal = value.getBytes(StandardCharsets.UTF_8);
        switch (s.substring(0, colon).toLowerCase(Locale.ROOT)) {
            case "fqdn", "dns" -> {
                return fqdn(value);
            }
            case "email", "rfc822", "userfqdn" -> {
                return rfc822(value);
            }
            case "keyid" -> {
                return keyId(value.startsWith("#") ? hex(value.substring(1)) : literal);
            }
            case "asn1dn" -> {
                return new Identity(DER_ASN1_DN,
                        value.startsWith("#") ? hex(value.substring(1)) : DistinguishedNames.encode(value));
            }
            case "asn1gn" -> {
                return new Identity(DER_ASN1_GN, hex(value.startsWith("#") ? value.substring(1) : value));
            }
            case "ipv4" -> {
                byte[] a = parseIpv4(value.strip());
                if (a == null) {
                    throw new IllegalArgumentException("not an IPv4 address: " + value);
                }
                return new Identity(IPV4_ADDR, a);
            }
            case "ipv6" -> {
                byte[] a = parseIpv6(value.strip());
                if (a == null) {
                    throw new IllegalArgumentException("not an IPv6 address: " + value);
                }
                return new Identity(IPV6_ADDR, a);
            }
            default -> {
                return null;
            }
        }
    }

    private static byte[] hex(String text) {
        String digits = text.replace(":", "").strip();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad hex in identity: " + text, e);
        }
    }

    /** A strict dotted quad (as inet_pton: four decimal octets, no leading zeros), or null. */
    static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** The 16 octets of an IPv6 literal (without zone), or null. */
    static byte[] parseIpv6(String s) {
        if (s.indexOf('%') >= 0 || s.indexOf('[') >= 0) {
            return null;
        }
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; the ID stays IPv6.
            byte[] mapped = Arrays.copyOf(IPV4_MAPPED_PREFIX, 16);
            System.arraycopy(b, 0, mapped, 12, 4);
            return mapped;
        }
        return b;
    }

    public boolean isAny() {
        return type == ANY;
    }

    /** The name of a DER_ASN1_DN identity. */
    public X500Principal distinguishedName() {
        if (type != DER_ASN1_DN) {
            throw new IllegalStateException("not a distinguished name: " + this);
        }
        return new X500Principal(data);
    }

    /**
     * Whether the identity a peer sent satisfies this one, as configured: {@link #any()} matches every identity;
     * otherwise the types must be equal and FQDNs and RFC 822 addresses compare ignoring ASCII case, where a
     * leading '*' matches any prefix ("*.example.org", "*@example.org"); names compare attribute by attribute
     * in order, ignoring case and extra spaces, where a value "*" matches any value; other types compare exactly.
     */
    public boolean matches(Identity peer) {
        if (type == ANY) {
            return true;
        }
        if (peer.type != type) {
            return false;
        }
        return switch (type) {
            case FQDN, RFC822_ADDR -> matchesText(new String(data, StandardCharsets.UTF_8),
                    new String(peer.data, StandardCharsets.UTF_8));
            case DER_ASN1_DN -> DistinguishedNames.matches(data, peer.data);
            default -> Arrays.equals(data, peer.data);
        };
    }

    private static boolean matchesText(String pattern, String peer) {
        if (pattern.startsWith("*")) {
            String suffix = pattern.substring(1);
            return peer.length() >= suffix.length()
                    && peer.regionMatches(true, peer.length() - suffix.length(), suffix, 0, suffix.length());
        }
        return pattern.equalsIgnoreCase(peer);
    }

    /**
     * strongSwan's text for an identity ("moon.strongswan.org", "carol@strongswan.org", "192.0.2.1",
     * "2001:db8::1", "C=CH, O=strongSwan, CN=moon"); KEY_IDs print as "keyid:text" or "@#hex". {@link #parse(String)}
     * reads the text back to an identity that matches this one, except for malformed data and where strongSwan's
     * text is ambiguous itself: an FQDN that looks like an address, an RFC 822 address without '@'.
     */
    @Override
    public String toString() {
        return switch (type) {
            case ANY -> "%any";
            case IPV4_ADDR -> data.length == 4 ? ipv4Text(data) : unknown();
            case IPV6_ADDR -> data.length == 16 ? ipv6Text(data) : unknown();
            case FQDN, RFC822_ADDR -> printable(new String(data, StandardCharsets.UTF_8));
            case DER_ASN1_DN -> {
                String dn = DistinguishedNames.format(data);
                yield dn != null ? dn : "asn1dn:#" + HexFormat.of().formatHex(data);
            }
            case KEY_ID -> isPrintableAscii(data) && data[0] != '#' ? "keyid:" + new String(data, StandardCharsets.US_ASCII)
                    : "@#" + HexFormat.of().formatHex(data);
            case DER_ASN1_GN -> "asn1gn:#" + HexFormat.of().formatHex(data);
            default -> unknown();
        };
    }

    private String unknown() {
        return "(ID type " + type + ") #" + HexFormat.of().formatHex(data);
    }

    private static boolean isPrintableAscii(byte[] b) {
        if (b.length == 0) {
            return false;
        }
        for (byte x : b) {
            if (x < 0x20 || x > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} with control characters shown as '?', so a peer's ID cannot forge log lines. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static String ipv4Text(byte[] b) {
        return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }

    /**
     * RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::"; an
     * IPv4-mapped address in mixed notation (§5), as inet_ntop writes it.
     */
    private static String ipv6Text(byte[] b) {
        if (Arrays.equals(b, 0, 12, IPV4_MAPPED_PREFIX, 0, 12)) {
            return "::ffff:" + ipv4Text(Arrays.copyOfRange(b, 12, 16));
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity other && other.type == type && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }
}
