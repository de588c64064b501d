package org.ipsec4j.esp.selector;

import java.util.Objects;

import org.ipsec4j.wire.IpProtocol;

/**
 * The selectors of one SPD entry (RFC 4301 §4.4.1.1): local and remote address ranges of one family, the next
 * layer protocol or ANY, and local and remote port selectors.
 *
 * <p>"Local" and "remote" are as seen from this gateway: for outbound traffic local is the source, for
 * inbound traffic the destination. For ICMP and ICMPv6 the local port selector carries the type/code range
 * (RFC 4301's 16-bit encoding, see {@link PortSelector}) and the remote one is ANY. Protocols without ports
 * have OPAQUE ports, so they accept only ANY or OPAQUE port selectors.
 */
public record TrafficSelector(AddressRange local, AddressRange remote, int protocol, PortSelector localPorts,
                              PortSelector remotePorts) {

    /** The protocol selector value ANY; also the packet value of a protocol that is not available. */
    public static final int ANY_PROTOCOL = -1;

    public TrafficSelector {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(localPorts, "localPorts");
        Objects.requireNonNull(remotePorts, "remotePorts");
        if (local.family() != remote.family()) {
            throw new IllegalArgumentException("local " + local + " and remote " + remote + " are of different families");
        }
        if (protocol < ANY_PROTOCOL || protocol > 255) {
            throw new IllegalArgumentException("protocol " + protocol + " outside 0..255 (or -1 for ANY)");
        }
        boolean ranges = localPorts instanceof PortSelector.Range || remotePorts instanceof PortSelector.Range;
        if (ranges && !hasPorts(protocol) && !isIcmp(protocol)) {
            throw new IllegalArgumentException("port ranges need a protocol with ports or ICMP, not "
                    + (protocol == ANY_PROTOCOL ? "ANY" : IpProtocol.name(protocol)));
        }
        if (isIcmp(protocol) && remotePorts instanceof PortSelector.Range) {
            throw new IllegalArgumentException("ICMP type and code go in the local port selector; remote must be ANY or OPAQUE");
        }
    }

    /** Any protocol, any port, between two address ranges. */
    public static TrafficSelector between(AddressRange local, AddressRange remote) {
        return new TrafficSelector(local, remote, ANY_PROTOCOL, PortSelector.ANY, PortSelector.ANY);
    }

    /** Everything of one family. */
    public static TrafficSelector any(IpFamily family) {
        return between(AddressRange.any(family), AddressRange.any(family));
    }

    /** ICMP (IPv4) or ICMPv6 (IPv6) with a type/code selector in RFC 4301's encoding. */
    public static TrafficSelector icmp(AddressRange local, AddressRange remote, PortSelector typeCode) {
        int proto = local.family() == IpFamily.IPV4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
        return new TrafficSelector(local, remote, proto, typeCode, PortSelector.ANY);
    }

    public TrafficSelector withProtocol(int protocol, PortSelector localPorts, PortSelector remotePorts) {
        return new TrafficSelector(local, remote, protocol, localPorts, remotePorts);
    }

    public IpFamily family() {
        return local.family();
    }

    /** Protocols whose header starts with 16-bit source and destination ports. */
    public static boolean hasPorts(int protocol) {
        return switch (protocol) {
            case IpProtocol.TCP, IpProtocol.UDP, 33 /* DCCP */, 132 /* SCTP */, 136 /* UDP-Lite */ -> true;
            default -> false;
        };
    }

    public static boolean isIcmp(int protocol) {
        return protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
    }

    /** Whether a packet's selector values fall inside this selector (the SPD's reference semantics). */
    public boolean matches(PacketSelector p) {
        return p.family() == family()
                && local.contains(p.localHigh(), p.localLow())
                && remote.contains(p.remoteHigh(), p.remoteLow())
                && (protocol == ANY_PROTOCOL || protocol == p.protocol())
                && localPorts.matches(p.localPort())
                && remotePorts.matches(p.remotePort());
    }

    @Override
    public String toString() {
        String proto = protocol == ANY_PROTOCOL ? "any" : IpProtocol.name(protocol);
        String lp = localPorts == PortSelector.ANY ? "" : isIcmp(protocol) && localPorts instanceof PortSelector.Range r
                ? "[type/code 0x" + Integer.toHexString(r.low()) + (r.low() == r.high() ? "" : "-0x" + Integer.toHexString(r.high())) + "]"
                : "[" + localPorts + "]";
        String rp = remotePorts == PortSelector.ANY ? "" : "[" + remotePorts + "]";
        return local + lp + " <-> " + remote + rp + " " + proto;
    }
}
