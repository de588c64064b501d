package org.ipsec4j.esp.sad;

import java.util.Locale;

/**
 * What the outer IPv4 header's Don't Fragment bit says in tunnel mode (RFC 4301 §8.1: the implementation
 * chooses per SA; Cisco's {@code crypto ipsec df-bit copy|set|clear}, strongSwan's {@code copy_df}).
 *
 * <p>With {@link #COPY} an IPv6 inner packet counts as DF set (IPv6 is never fragmented on the way), except
 * that a packet of at most 1280 bytes that does not fit the path goes out with DF clear: a tunnel must carry
 * IPv6's minimum MTU (RFC 8200 §5). Transport mode keeps the packet's own header and bit.
 */
public enum DontFragmentPolicy {
    /** The inner packet's DF (strongSwan's {@code copy_df = yes}, the default). */
    COPY,
    /** Always DF: path MTU discovery for the tunnel; too-big inner packets without DF are fragmented first. */
    SET,
    /** Never DF (strongSwan's {@code copy_df = no}, FreeBSD's {@code ipsec.dfbit=0}): routers may fragment. */
    CLEAR;

    /** {@code copy}, {@code set} or {@code clear}, any case. */
    public static DontFragmentPolicy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "copy" -> COPY;
            case "set" -> SET;
            case "clear" -> CLEAR;
            default -> throw new IllegalArgumentException("'" + text + "' is not copy, set or clear");
        };
    }

    /** The keyword, lower case. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
