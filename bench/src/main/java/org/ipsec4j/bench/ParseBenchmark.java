package org.ipsec4j.bench;

import java.util.concurrent.TimeUnit;

import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing one received packet: re-pointing views the caller keeps ({@code wrap}, no allocation) and reading the
 * fields a data path acts on. Checksums are not verified here; see {@link ChecksumBenchmark}.
 *
 * <p>Each benchmark parses the same packet over and over, so branches are perfectly predicted and the bytes sit
 * in L1: a lower bound for a real packet stream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBenchmark {

    private byte[] ipv4Udp;
    private byte[] ipv6Udp;
    private byte[] ipv6Chain;
    private byte[] ipv4TcpSyn;
    private byte[] icmpv4Error;
    private byte[] icmpv6Error;

    // Views kept across packets, as a data-path loop keeps them.
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final Ipv6Packet ipv6 = new Ipv6Packet();
    private final Ipv4Packet quotedIpv4 = new Ipv4Packet();
    private final Ipv6Packet quotedIpv6 = new Ipv6Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();
    private final Icmpv4Message icmpv4 = new Icmpv4Message();
    private final Icmpv6Message icmpv6 = new Icmpv6Message();

    @Setup
    public void setUp() {
        ipv4Udp = SamplePackets.ipv4Udp(1420, 1, false);
        ipv6Udp = SamplePackets.ipv6Udp(1440);
        ipv6Chain = SamplePackets.ipv6ExtensionChainFirstFragment();
        ipv4TcpSyn = SamplePackets.ipv4TcpSyn();
        icmpv4Error = SamplePackets.icmpv4FragmentationNeeded();
        icmpv6Error = SamplePackets.icmpv6PacketTooBig();
        // Check once that every path parses what it should, so a wrong sample cannot measure an exception.
        check(ipv4Udp() == (SamplePackets.NAT_T_PORT ^ 1392), "ipv4Udp");
        check(ipv6Udp() == (SamplePackets.NAT_T_PORT ^ 1392), "ipv6Udp");
        check(ipv6ExtensionChain() == (64 + IpProtocol.UDP + 3 + SamplePackets.NAT_T_PORT + 0x0BADCAFE), "ipv6Chain");
        check(tcpSynMss() == 1460 + TcpSegment.SYN, "tcpSynMss");
        check(icmpv4FragmentationNeeded() == 1400 + SamplePackets.NAT_T_PORT, "icmpv4");
        check(icmpv6PacketTooBig() == 1400 + SamplePackets.NAT_T_PORT, "icmpv6");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("sample packet does not parse as expected: " + what);
        }
    }

    /** IPv4 header (no options) then UDP: what an ESP-in-UDP receive path does first. */
    @Benchmark
    public int ipv4Udp() {
        Ipv4Packet ip = ipv4.wrap(ipv4Udp, 0, ipv4Udp.length);
        UdpDatagram u = udp.wrap(ip);
        return u.destinationPort() ^ u.payloadLength();
    }

    /** IPv6 header, empty extension chain, then UDP. */
    @Benchmark
    public int ipv6Udp() {
        Ipv6Packet ip = ipv6.wrap(ipv6Udp, 0, ipv6Udp.length);
        UdpDatagram u = udp.wrap(ip);
        return u.destinationPort() ^ u.payloadLength();
    }

    /**
     * IPv6 first fragment: hop-by-hop, destination options and fragment headers walked to UDP, whose ports are
     * read from the start of the datagram ({@code wrapQuoted}: the UDP length covers all fragments).
     */
    @Benchmark
    public int ipv6ExtensionChain() {
        Ipv6Packet ip = ipv6.wrap(ipv6Chain, 0, ipv6Chain.length);
        UdpDatagram u = udp.wrapQuoted(ipv6Chain, ip.upperLayerOffset(), ip.upperLayerLength());
        return ip.upperLayerOffset() + ip.upperLayerProtocol() + ip.extensionHeaderCount() + u.destinationPort()
                + ip.fragmentIdentification();
    }

    /** IPv4 then a TCP SYN with MSS, SACK permitted, timestamps and window scale; reads the MSS. */
    @Benchmark
    public int tcpSynMss() {
        Ipv4Packet ip = ipv4.wrap(ipv4TcpSyn, 0, ipv4TcpSyn.length);
        TcpSegment t = tcp.wrap(ip);
        return t.mss() + t.flags();
    }

    /**
     * ICMP fragmentation needed: the outer IPv4 and ICMP headers, the next-hop MTU, the quoted IPv4 header and
     * the quoted UDP ports (what path-MTU handling needs to find the SA).
     */
    @Benchmark
    public int icmpv4FragmentationNeeded() {
        Ipv4Packet ip = ipv4.wrap(icmpv4Error, 0, icmpv4Error.length);
        Icmpv4Message icmp = icmpv4.wrap(ip);
        if (!icmp.isFragmentationNeeded()) {
            return -1;
        }
        Ipv4Packet quoted = icmp.quotedPacket(quotedIpv4);
        UdpDatagram u = udp.wrapQuoted(icmpv4Error, quoted.payloadOffset(), quoted.payloadLength());
        return icmp.nextHopMtu() + u.destinationPort();
    }

    /** ICMPv6 Packet Too Big: outer IPv6 and ICMPv6, the MTU, the quoted IPv6 header chain and UDP ports. */
    @Benchmark
    public int icmpv6PacketTooBig() {
        Ipv6Packet ip = ipv6.wrap(icmpv6Error, 0, icmpv6Error.length);
        Icmpv6Message icmp = icmpv6.wrap(ip);
        if (icmp.type() != Icmpv6Message.TYPE_PACKET_TOO_BIG) {
            return -1;
        }
        Ipv6Packet quoted = icmp.quotedPacket(quotedIpv6);
        UdpDatagram u = udp.wrapQuoted(icmpv6Error, quoted.upperLayerOffset(), quoted.upperLayerLength());
        return (int) icmp.mtu() + u.destinationPort();
    }
}
