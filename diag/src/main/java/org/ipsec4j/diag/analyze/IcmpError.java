package org.ipsec4j.diag.analyze;

/**
 * An ICMP or ICMPv6 error and the packet it quotes.
 *
 * @param packet        the error's packet number
 * @param reporter      who sent the error (a router on the path, or the destination host)
 * @param description   type and code in words, e.g. {@code fragmentation needed (MTU 1400)}
 * @param mtu           the MTU a fragmentation-needed / Packet Too Big error carries, or -1
 * @param quotedPacket  the captured packet the quote matches, or -1 when it is not in the capture (or no longer
 *                      remembered)
 */
public record IcmpError(long packet, long timeNanos, ObservationPoint point, boolean v6, NetAddress reporter,
        NetAddress destination, int type, int code, String description, int mtu, QuotedPacket quoted,
        long quotedPacket) {

    /** IPv4 fragmentation needed (type 3 code 4, RFC 1191) or ICMPv6 Packet Too Big (type 2, RFC 4443 §3.2). */
    public boolean pathMtu() {
        return v6 ? type == 2 : type == 3 && code == 4;
    }

    /** Port unreachable: nothing listens on the quoted destination port (or a NAT has no mapping for it). */
    public boolean portUnreachable() {
        return v6 ? type == 1 && code == 4 : type == 3 && code == 3;
    }
}
