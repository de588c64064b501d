package org.ipsec4j.ike.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;
import org.ipsec4j.wire.pcap.NetworkProtocol;

/** The IKE messages and ESP packets of a capture, in order, as the tests need them. */
record CapturedIpsec(List<byte[]> ike, List<byte[]> esp) {

    static CapturedIpsec read(Path file) throws IOException {
        List<byte[]> ike = new ArrayList<>();
        List<byte[]> esp = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            for (CapturedPacket p = reader.next(); p != null; p = reader.next()) {
                add(p, ike, esp);
            }
        }
        return new CapturedIpsec(ike, esp);
    }

    private static void add(CapturedPacket p, List<byte[]> ike, List<byte[]> esp) {
        NetworkPayload n = p.network();
        byte[] b = p.data();
        int protocol;
        int off;
        int len;
        if (n.protocol() == NetworkProtocol.IPV4) {
            Ipv4Packet ip = Ipv4Packet.parse(b, n.offset(), n.length());
            if (ip.isFragment()) {
                return;
            }
            protocol = ip.protocol();
            off = ip.payloadOffset();
            len = ip.payloadLength();
        } else if (n.protocol() == NetworkProtocol.IPV6) {
            Ipv6Packet ip = Ipv6Packet.parse(b, n.offset(), n.length());
            protocol = ip.upperLayerProtocol();
            off = ip.upperLayerOffset();
            len = ip.upperLayerLength();
        } else {
            return;
        }
        if (protocol == IpProtocol.ESP) {
            esp.add(Arrays.copyOfRange(b, off, off + len));
        } else if (protocol == IpProtocol.UDP) {
            UdpDatagram u = UdpDatagram.parse(b, off, len);
            int from = u.payloadOffset();
            int to = from + u.payloadLength();
            if (u.sourcePort() == 500 || u.destinationPort() == 500) {
                ike.add(Arrays.copyOfRange(b, from, to));
            } else if (u.sourcePort() == 4500 || u.destinationPort() == 4500) {
                if (to - from == 1 && b[from] == (byte) 0xFF) {
                    return; // NAT keepalive
                }
                boolean marker = to - from >= 4 && b[from] == 0 && b[from + 1] == 0 && b[from + 2] == 0 && b[from + 3] == 0;
                (marker ? ike : esp).add(Arrays.copyOfRange(b, marker ? from + 4 : from, to));
            }
        }
    }
}
