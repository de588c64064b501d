package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.ike.message.TrafficSelectorEntry;

/**
 * One IKEv2 traffic selector (RFC 7296 §3.13.1): an address range, an IP protocol (0 = any) and a port range
 * (for ICMP the type in the high byte, the code in the low). Narrowing (§2.9) is intersection.
 */
public record SelectorRange(AddressRange addresses, int protocol, int startPort, int endPort) {

    static final int TS_IPV4_ADDR_RANGE = 7;
    static final int TS_IPV6_ADDR_RANGE = 8;

    public static SelectorRange of(AddressRange addresses) {
        return new SelectorRange(addresses, 0, 0, 0xFFFF);
    }

    public static SelectorRange host(IpAddress address) {
        return of(AddressRange.single(address));
    }

    public static SelectorRange fromEntry(TrafficSelectorEntry e) {
        IpFamily family = e.tsType() == TS_IPV4_ADDR_RANGE ? IpFamily.IPV4 : IpFamily.IPV6;
        return new SelectorRange(new AddressRange(IpAddress.read(family, e.startAddress(), 0),
                IpAddress.read(family, e.endAddress(), 0)), e.ipProtocol(), e.startPort(), e.endPort());
    }

    public TrafficSelectorEntry toEntry() {
        int type = addresses.family() == IpFamily.IPV4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
        return new TrafficSelectorEntry(type, protocol, startPort, endPort, addresses.first().toBytes(),
                addresses.last().toBytes());
    }

    public IpFamily family() {
        return addresses.family();
    }

    /** The common part, or null if there is none. */
    public SelectorRange intersect(SelectorRange o) {
        if (family() != o.family()) {
            return null;
        }
        if (protocol != 0 && o.protocol != 0 && protocol != o.protocol) {
            return null;
        }
        IpAddress first = max(addresses.first(), o.addresses.first());
        IpAddress last = min(addresses.last(), o.addresses.last());
        int from = Math.max(startPort, o.startPort);
        int to = Math.min(endPort, o.endPort);
        if (first.compareTo(last) > 0 || from > to) {
            return null;
        }
        return new SelectorRange(new AddressRange(first, last), protocol != 0 ? protocol : o.protocol, from, to);
    }

    /** Whether {@code o} lies entirely inside this selector. */
    public boolean covers(SelectorRange o) {
        SelectorRange i = intersect(o);
        return o.equals(i);
    }

    /**
     * §2.9 narrowing: every piece of {@code proposed} that {@code allowed} also contains, in the peer's order.
     */
    public static List<SelectorRange> narrow(List<SelectorRange> proposed, List<SelectorRange> allowed) {
        List<SelectorRange> result = new ArrayList<>();
        for (SelectorRange p : proposed) {
            for (SelectorRange a : allowed) {
                SelectorRange i = p.intersect(a);
                if (i != null && !result.contains(i)) {
                    result.add(i);
                }
            }
        }
        return result;
    }

    /** The data plane's local/remote selectors for every pair of local × remote ranges of one family. */
    public static List<TrafficSelector> policies(List<SelectorRange> local, List<SelectorRange> remote) {
        List<TrafficSelector> out = new ArrayList<>();
        for (SelectorRange l : local) {
            for (SelectorRange r : remote) {
                if (l.family() != r.family() || (l.protocol != 0 && r.protocol != 0 && l.protocol != r.protocol)) {
                    continue;
                }
                int proto = l.protocol != 0 ? l.protocol : r.protocol;
                if (proto == 0) {
                    out.add(TrafficSelector.between(l.addresses, r.addresses));
                } else if (TrafficSelector.isIcmp(proto)) {
                    // RFC 7296 §3.13.1: ICMP type/code sit in the ports; the data plane keeps them on the local side.
                    SelectorRange typed = l.fullPorts() ? r : l;
                    out.add(new TrafficSelector(l.addresses, r.addresses, proto, typed.ports(), PortSelector.ANY));
                } else if (TrafficSelector.hasPorts(proto)) {
                    out.add(new TrafficSelector(l.addresses, r.addresses, proto, l.ports(), r.ports()));
                } else {
                    out.add(new TrafficSelector(l.addresses, r.addresses, proto, PortSelector.ANY, PortSelector.ANY));
                }
            }
        }
        return out;
    }

    private boolean fullPorts() {
        return startPort == 0 && endPort == 0xFFFF;
    }

    private PortSelector ports() {
        return fullPorts() ? PortSelector.ANY : PortSelector.range(startPort, endPort);
    }

    private static IpAddress max(IpAddress a, IpAddress b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static IpAddress min(IpAddress a, IpAddress b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        String p = protocol == 0 ? "" : "[" + protocol + (fullPorts() ? "" : "/" + (startPort == endPort ? startPort
                : startPort + "-" + endPort)) + "]";
        return addresses + p;
    }
}
