package org.ipsec4j.linux;

import java.net.StandardProtocolFamily;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;

/** Namespaces a and b on one veth link: 192.0.2.1/24 and 2001:db8:1::1/64 on a, .2 and ::2 on b. */
record TwoHosts(Namespace a, Namespace b, Link link, NetworkNamespace netnsA, NetworkNamespace netnsB) {

    static TwoHosts build(Lab lab, int mtu) {
        Namespace a = lab.host("a");
        Namespace b = lab.host("b");
        Link link = lab.link(a, b, mtu);
        link.a().addAddress("192.0.2.1/24").addAddress("2001:db8:1::1/64");
        link.b().addAddress("192.0.2.2/24").addAddress("2001:db8:1::2/64");
        return new TwoHosts(a, b, link, NetworkNamespace.named(a.netnsName()), NetworkNamespace.named(b.netnsName()));
    }

    static String addressA(StandardProtocolFamily family) {
        return family == StandardProtocolFamily.INET ? "192.0.2.1" : "2001:db8:1::1";
    }

    static String addressB(StandardProtocolFamily family) {
        return family == StandardProtocolFamily.INET ? "192.0.2.2" : "2001:db8:1::2";
    }

    /** Deterministic payload bytes for datagram {@code index}. */
    static byte[] payload(int index, int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (index * 31 + i * 7);
        }
        return data;
    }
}
