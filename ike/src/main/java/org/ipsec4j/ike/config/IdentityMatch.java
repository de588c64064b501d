package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.ipsec4j.esp.selector.IpAddress;

/**
 * How well an identity written in a {@code secrets} section matches a peer's identity, on strongSwan's scale
 * (perfect 20, one wildcard 19, DN wildcards 20 minus their number down to 2, {@code %any} 1, none 0).
 *
 * <p>Identities are compared as text after light normalisation, since the auth package owns identity
 * parsing: IP literals in canonical form; a leading {@code @} (strongSwan's "this is an FQDN") dropped;
 * distinguished names (text with '=') split into RDNs with blanks around ',' and '=' ignored; case ignored
 * (strongSwan compares FQDNs, e-mail addresses and DN strings without case). An owner {@code *.example.com}
 * or {@code *@example.com} matches a suffix; a DN owner may have {@code *} as an RDN value.
 */
final class IdentityMatch {

    static final int NONE = 0;
    static final int ANY = 1;
    static final int MAX_WILDCARDS = 2;
    static final int ONE_WILDCARD = 19;
    static final int PERFECT = 20;

    private IdentityMatch() {
    }

    /** How well the configured {@code owner} matches the {@code peer} identity (null: unknown, so NONE). */
    static int match(String owner, String peer) {
        if (peer == null) {
            return NONE;
        }
        String o = owner.strip();
        String p = peer.strip();
        if (o.equals("%any") || o.equals("*")) {
            return ANY;
        }
        if (isDn(o) && isDn(p)) {
            return matchDn(rdns(o), rdns(p));
        }
        String on = normalize(o);
        String pn = normalize(p);
        if (on.equals(pn)) {
            return PERFECT;
        }
        if (on.startsWith("*") && on.length() > 1 && on.indexOf('*', 1) < 0 && pn.endsWith(on.substring(1))
                && pn.length() > on.length() - 1) {
            return ONE_WILDCARD;
        }
        return NONE;
    }

    private static String normalize(String id) {
        String s = id;
        if (s.startsWith("@") && !s.startsWith("@#") && !s.startsWith("@@")) {
            s = s.substring(1);
        }
        if (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            try {
                return IpAddress.parse(s).toString();
            } catch (IllegalArgumentException e) {
                // not an address: compared as text
            }
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean isDn(String id) {
        return id.indexOf('=') > 0;
    }

    /** "C=CH, O=strongSwan, CN=moon" → ["c=ch", "o=strongswan", "cn=moon"]; a '\,' does not split. */
    private static List<String[]> rdns(String dn) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < dn.length(); i++) {
            char c = dn.charAt(i);
            if (c == '\\' && i + 1 < dn.length()) {
                current.append(c).append(dn.charAt(++i));
            } else if (c == ',') {
                out.add(rdn(current.toString()));
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(rdn(current.toString()));
        return out;
    }

    private static String[] rdn(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            return new String[] {text.strip().toLowerCase(Locale.ROOT), null};
        }
        return new String[] {text.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                text.substring(eq + 1).strip().toLowerCase(Locale.ROOT)};
    }

    private static int matchDn(List<String[]> owner, List<String[]> peer) {
        if (owner.size() != peer.size()) {
            return NONE;
        }
        int wildcards = 0;
        for (int i = 0; i < owner.size(); i++) {
            String[] o = owner.get(i);
            String[] p = peer.get(i);
            if (!o[0].equals(p[0]) || o[1] == null || p[1] == null) {
                return NONE;
            }
            if (o[1].equals("*")) {
                wildcards++;
            } else if (!o[1].equals(p[1])) {
                return NONE;
            }
        }
        return Math.max(PERFECT - wildcards, MAX_WILDCARDS);
    }
}
