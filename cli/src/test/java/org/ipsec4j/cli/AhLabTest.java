package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.daemon.loop.OuterSocketSet;
import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.linux.NetworkNamespace;
import org.ipsec4j.linux.RawIpSocket;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AH between two daemons beyond what {@link TunnelTrafficLabTest} carries: forged AH packets end as counted
 * authentication failures while the tunnel carries on, and over IPv6 the path without IPV6_HDRINCL, where the
 * kernel writes the header the ICV must cover, works too.
 */
@UsesLab
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AhLabTest {

    static final int FORGED = 50;

    @ParameterizedTest
    @EnumSource(TunnelLab.Outer.class)
    void corruptedAhPacketsAreCountedAsAuthenticationFailures(TunnelLab.Outer outer, Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        TunnelLab.Setup setup = new TunnelLab.Setup(outer, TunnelLab.Mode.TUNNEL, TunnelLab.Encapsulation.AH);
        DaemonProcess[] pair = tunnel.startPair(setup);
        DaemonProcess right = pair[1];
        ping(tunnel, setup, pair);

        StandardProtocolFamily family = outer == TunnelLab.Outer.V4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        AhCodec codec = new AhCodec(IntegrityAlgorithm.HMAC_SHA2_256_128, TunnelLab.SPI_LEFT_TO_RIGHT, false,
                HexFormat.of().parseHex(TunnelLab.AH_KEY_LEFT_TO_RIGHT.substring(2)), false);
        try (RawIpSocket sender = NetworkNamespace.named(tunnel.left.netnsName())
                .call(() -> RawIpSocket.open(family, RawIpSocket.AH))) {
            sender.setHeaderIncluded(true);
            byte[] packet = new byte[512];
            for (int i = 0; i < FORGED; i++) {
                // Sequence numbers far ahead: past the replay check, so the ICV decides (and fails).
                int length = ahTunnelPacket(codec, outer, 1_000_000 + i, packet);
                packet[length - 1] ^= 0x01; // the last byte of the inner ping's data
                sender.send(packet, 0, length, SocketEndpoint.of(InetAddress.ofLiteral(outer.right), 0));
            }
        }
        Thread.sleep(300);
        ping(tunnel, setup, pair);
        Map<String, Object> sa = DaemonProcess.sa(right.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        assertEquals(Map.of("authentication-failed", (long) FORGED), sa.get("drops"), sa.toString());
        assertTrue(right.stderr().contains("inbound drop: authentication-failed on SA 0x00001001"), right.stderr());
    }

    @ParameterizedTest
    @EnumSource(TunnelLab.Mode.class)
    void ipv6AhWithTheKernelsHeaderInsteadOfIpv6Hdrincl(TunnelLab.Mode mode, Lab lab) {
        TunnelLab tunnel = new TunnelLab(lab);
        TunnelLab.Setup setup = new TunnelLab.Setup(TunnelLab.Outer.V6, mode, TunnelLab.Encapsulation.AH);
        DaemonProcess[] pair = tunnel.startPair(setup, List.of("-D" + OuterSocketSet.IPV6_HDRINCL_PROPERTY + "=false"));
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", "-s", "1200", "-I",
                setup.leftInner(), setup.rightInner());
        assertTrue(ping.succeeded(), () -> ping.stdout() + ping.stderr() + pair[0].stderr() + pair[1].stderr());
        for (DaemonProcess daemon : pair) {
            assertTrue(daemon.stderr().contains("raw AH (IPv6): IPV6_HDRINCL off"), daemon.stderr());
            Map<String, Object> status = daemon.statusJson();
            for (int spi : new int[] {TunnelLab.SPI_LEFT_TO_RIGHT, TunnelLab.SPI_RIGHT_TO_LEFT}) {
                Map<String, Object> sa = DaemonProcess.sa(status, spi);
                assertEquals(Map.of(), sa.get("drops"), sa.toString());
                assertTrue((Long) sa.get("packets") >= 5, sa.toString());
            }
        }
    }

    /** [outer IP][AH] ping from 10.0.1.1 to 10.0.2.1, protected as the left daemon would (RFC 4302 §3.1). */
    private static int ahTunnelPacket(AhCodec codec, TunnelLab.Outer outer, long sequence, byte[] out) {
        int version = outer == TunnelLab.Outer.V4 ? 4 : 6;
        int ipHeader = version == 4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
        int ah = codec.headerLength(version);
        int inner = Icmpv4Message.writeEchoPacket(out, ipHeader + ah, IpAddress.parse(TunnelLab.LEFT_INNER).ipv4Value(),
                IpAddress.parse(TunnelLab.RIGHT_INNER).ipv4Value(), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 9,
                (int) sequence, 48);
        int total = ipHeader + ah + inner;
        if (version == 4) {
            Ipv4Packet.writeHeader(out, 0, 0, total, 0x4321, false, 64, IpProtocol.AH,
                    Ipv4Packet.parseAddress(outer.left), Ipv4Packet.parseAddress(outer.right));
        } else {
            Ipv6Packet.writeHeader(out, 0, 0, 0, total - ipHeader, IpProtocol.AH, 64,
                    Ipv6Packet.parseAddress(outer.left), 0, Ipv6Packet.parseAddress(outer.right), 0);
        }
        codec.protect(sequence, 4, out, 0, total);
        return total;
    }

    private static void ping(TunnelLab tunnel, TunnelLab.Setup setup, DaemonProcess[] pair) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", "-I", setup.leftInner(),
                setup.rightInner());
        assertTrue(ping.succeeded(), () -> ping.stdout() + ping.stderr() + "\nleft:\n" + pair[0].stderr()
                + "\nright:\n" + pair[1].stderr());
    }
}
