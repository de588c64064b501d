package org.ipsec4j.ike.auth;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

import org.ipsec4j.ike.auth.Der.DerException;
import org.ipsec4j.ike.auth.Der.Element;

/**
 * Distinguished names the way strongSwan writes them: RDNs in encoding order (most significant first), as in
 * "C=CH, O=strongSwan, CN=moon.strongswan.org" or "/C=CH/O=strongSwan/CN=moon". RFC 4514 text, which
 * {@link X500Principal} reads, lists them the other way round, so parsing reverses the RDNs and lets the JDK
 * encode them (PrintableString where it can, else UTF8String; IA5String for E and DC).
 */
final class DistinguishedNames {

    /** One attribute of a name, in encoding order; {@code value} is the content of the value's TLV. */
    record Attribute(String oid, int valueTag, byte[] value) {}

    private static final Map<String, String> OID_BY_NAME = new HashMap<>();
    private static final Map<String, String> NAME_BY_OID = new HashMap<>();

    static {
        // Display name first, then the aliases strongSwan and OpenSSL users write.
        define("2.5.4.6", "C");
        define("2.5.4.8", "ST", "S");
        define("2.5.4.7", "L");
        define("2.5.4.10", "O");
        define("2.5.4.11", "OU");
        define("2.5.4.3", "CN");
        define("2.5.4.4", "SN", "surname");
        define("2.5.4.5", "serialNumber");
        define("2.5.4.9", "STREET");
        define("2.5.4.12", "T", "title");
        define("2.5.4.13", "D", "description");
        define("2.5.4.17", "postalCode");
        define("2.5.4.41", "N", "name");
        define("2.5.4.42", "G", "givenName");
        define("2.5.4.43", "I", "initials");
        define("2.5.4.46", "dnQualifier", "dnQ");
        define("2.5.4.65", "pseudonym");
        define("1.2.840.113549.1.9.1", "E", "email", "emailAddress");
        define("1.2.840.113549.1.9.2", "unstructuredName", "UN");
        define("1.2.840.113549.1.9.8", "unstructuredAddress", "UA");
        define("0.9.2342.19200300.100.1.1", "UID");
        define("0.9.2342.19200300.100.1.25", "DC");
    }

    private static void define(String oid, String display, String... aliases) {
        NAME_BY_OID.put(oid, display);
        OID_BY_NAME.put(display.toLowerCase(Locale.ROOT), oid);
        for (String alias : aliases) {
            OID_BY_NAME.put(alias.toLowerCase(Locale.ROOT), oid);
        }
    }

    private DistinguishedNames() {}

    /**
     * The DER Name for strongSwan-style text.
     *
     * @throws IllegalArgumentException if the text is not a name (unknown attribute, an RDN without '=')
     */
    static byte[] encode(String text) {
        List<String[]> rdns = split(text);
        if (rdns.isEmpty()) {
            throw new IllegalArgumentException("empty distinguished name");
        }
        StringBuilder rfc4514 = new StringBuilder();
        for (int i = rdns.size() - 1; i >= 0; i--) {
            String[] rdn = rdns.get(i);
            if (!rfc4514.isEmpty()) {
                rfc4514.append(',');
            }
            rfc4514.append(oidOf(rdn[0])).append('=');
            appendEscaped(rfc4514, rdn[1]);
        }
        return new X500Principal(rfc4514.toString()).getEncoded();
    }

    private static String oidOf(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.startsWith("oid.")) {
            key = key.substring(4);
        }
        String oid = OID_BY_NAME.get(key);
        if (oid != null) {
            return oid;
        }
        if (key.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
            return key;
        }
        throw new IllegalArgumentException("unknown attribute '" + name + "' in distinguished name");
    }

    /** RDNs as {name, value} pairs; backslash escapes a character, double quotes protect separators. */
    private static List<String[]> split(String text) {
        String s = text.strip();
        char separator = ',';
        int i = 0;
        if (s.startsWith("/")) {
            separator = '/';
            i = 1;
        }
        List<String[]> out = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        for (; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : separator;
            if (i < s.length() && c == '\\' && i + 1 < s.length()) {
                (inValue ? value : name).append(s.charAt(++i));
            } else if (i < s.length() && c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                if (!inValue) {
                    if (name.toString().isBlank() && i == s.length()) {
                        break;
                    }
                    throw new IllegalArgumentException("RDN without '=' in distinguished name");
                }
                String key = name.toString().strip();
                if (key.isEmpty()) {
                    throw new IllegalArgumentException("RDN without attribute name in distinguished name");
                }
                out.add(new String[] {key, value.toString().strip()});
                name.setLength(0);
                value.setLength(0);
                inValue = false;
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else {
                (inValue ? value : name).append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in distinguished name");
        }
        return out;
    }

    private static void appendEscaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean special = ",+\"\\<>;".indexOf(c) >= 0
                    || (i == 0 && (c == '#' || c == ' '))
                    || (i == value.length() - 1 && c == ' ');
            if (special) {
                out.append('\\');
            }
            out.append(c);
        }
    }

    /** The attributes of a DER Name in encoding order (a multi-valued RDN contributes all its attributes). */
    static List<Attribute> attributes(byte[] der) throws DerException {
        List<Attribute> out = new ArrayList<>();
        for (Element rdn : Der.parse(der).expect(Der.SEQUENCE).children()) {
            for (Element ava : rdn.expect(Der.SET).children()) {
                Der.Reader r = ava.expect(Der.SEQUENCE).reader();
                String oid = r.next().oid();
                Element value = r.next();
                r.expectEnd();
                out.add(new Attribute(oid, value.tag(), value.content()));
            }
        }
        return out;
    }

    /** strongSwan's text for a DER Name, "C=CH, O=strongSwan, CN=moon"; null if it is not a Name. */
    static String format(byte[] der) {
        List<Attribute> attributes;
        try {
            attributes = attributes(der);
        } catch (DerException e) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Attribute a : attributes) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(NAME_BY_OID.getOrDefault(a.oid(), a.oid())).append('=');
            String text = text(a);
            if (text != null) {
                appendPrintable(out, text);
            } else {
                out.append('#').append(HexFormat.of().formatHex(Der.tlv(a.valueTag(), a.value())));
            }
        }
        return out.toString();
    }

    /** The value as strongSwan prints it, with only the characters our parser would split at escaped. */
    private static void appendPrintable(StringBuilder out, String value) {
        String safe = Identity.printable(value);
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            if (c == ',' || c == '\\' || c == '"') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    /** The value of a string-typed attribute, or null for other types. */
    static String text(Attribute a) {
        Charset charset = switch (a.valueTag()) {
            case Der.UTF8_STRING -> StandardCharsets.UTF_8;
            case Der.PRINTABLE_STRING, Der.IA5_STRING, 0x12 /* NumericString */, 0x1A /* VisibleString */ ->
                    StandardCharsets.US_ASCII;
            case Der.T61_STRING -> StandardCharsets.ISO_8859_1;
            case Der.BMP_STRING -> StandardCharsets.UTF_16BE;
            case Der.UNIVERSAL_STRING -> Charset.forName("UTF-32BE");
            default -> null;
        };
        return charset == null ? null : new String(a.value(), charset);
    }

    /**
     * Whether the name {@code pattern} matches {@code peer}: the same attributes in the same order, values equal
     * ignoring case and runs of spaces (whatever their string type), a pattern value "*" matching any value.
     */
    static boolean matches(byte[] pattern, byte[] peer) {
        if (Arrays.equals(pattern, peer)) {
            return true;
        }
        List<Attribute> p;
        List<Attribute> q;
        try {
            p = attributes(pattern);
            q = attributes(peer);
        } catch (DerException e) {
            return false;
        }
        if (p.size() != q.size()) {
            return false;
        }
        for (int i = 0; i < p.size(); i++) {
            Attribute a = p.get(i);
            Attribute b = q.get(i);
            if (!a.oid().equals(b.oid())) {
                return false;
            }
            String ta = text(a);
            String tb = text(b);
            if (ta != null && ta.equals("*")) {
                continue;
            }
            if (ta != null && tb != null) {
                if (!normalize(ta).equals(normalize(tb))) {
                    return false;
                }
            } else if (a.valueTag() != b.valueTag() || !Arrays.equals(a.value(), b.value())) {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String value) {
        return value.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
