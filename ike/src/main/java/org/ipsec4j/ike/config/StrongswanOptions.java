package org.ipsec4j.ike.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * Names swanctl.conf(5) defines that ipsec4j does not implement, per level, so that refusing one can say
 * "not supported by ipsec4j" rather than "unknown" (which hints at a typo, with a suggestion).
 */
final class StrongswanOptions {

    static final Set<String> TOP = Set.of("connections", "secrets", "pools", "authorities");

    static final Set<String> CONNECTION = Set.of("version", "local_addrs", "remote_addrs", "local_port",
            "remote_port", "proposals", "vips", "aggressive", "pull", "dscp", "encap", "mobike", "dpd_delay",
            "dpd_timeout", "fragmentation", "childless", "send_certreq", "send_cert", "ppk_id", "ppk_required",
            "keyingtries", "unique", "reauth_time", "rekey_time", "over_time", "rand_time", "pools", "if_id_in",
            "if_id_out", "mediation", "mediated_by", "mediation_peer", "close_action", "ocsp", "children");

    static final Set<String> AUTH_ROUND = Set.of("round", "certs", "pubkeys", "auth", "id", "eap_id", "aaa_id",
            "xauth_id", "groups", "cert_policy", "cacerts", "ca_id", "revocation");

    static final Set<String> CHILD = Set.of("ah_proposals", "esp_proposals", "sha256_96", "local_ts",
            "remote_ts", "rekey_time", "life_time", "rand_time", "rekey_bytes", "life_bytes", "rand_bytes",
            "rekey_packets", "life_packets", "rand_packets", "updown", "hostaccess", "mode", "policies",
            "policies_fwd_out", "dpd_action", "ipcomp", "inactivity", "reqid", "priority", "interface", "mark_in",
            "mark_in_sa", "mark_out", "set_mark_in", "set_mark_out", "if_id_in", "if_id_out", "label",
            "label_mode", "tfc_padding", "replay_window", "hw_offload", "copy_df", "copy_ecn", "copy_dscp",
            "start_action", "close_action", "per_cpu_sas");

    static final Set<String> POOL = Set.of("addrs", "dns", "nbns", "dhcp", "netmask", "server", "subnet",
            "split_include", "split_exclude");

    /** Prefixes of {@code secrets} subsections: the secret types. */
    static final Set<String> SECRET_TYPES = Set.of("eap", "xauth", "ntlm", "ike", "ppk", "private", "rsa",
            "ecdsa", "pkcs8", "pkcs12", "token");

    static final Set<String> SECRET = Set.of("secret", "id", "file", "handle", "slot", "module", "pin");

    private StrongswanOptions() {
    }

    /**
     * The message for a name ipsec4j refuses: "not supported by ipsec4j" for a strongSwan name, otherwise
     * "unknown" with the closest supported name if one is near.
     */
    static String refusal(String name, Set<String> strongswan, Collection<String> supported, String what) {
        if (strongswan.contains(name)) {
            return "not supported by ipsec4j";
        }
        String suggestion = closest(name, supported);
        return "unknown " + what + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : "");
    }

    /** The supported name within edit distance 2 of {@code name} (case aside; names are lower case), or null. */
    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = 3;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            int d = distance(lower, candidate, bestDistance);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, or {@code limit} if it is at least that. */
    private static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit || a.length() > 64 || b.length() > 64) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
    }
}
