package org.ipsec4j.diag.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.pcap.CaptureInterface;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;

/**
 * Analyses a capture packet by packet: {@link #accept} each packet in capture order, then {@link #finish}.
 * Memory is bounded by {@link Limits}, whatever the number of packets.
 *
 * <p>Not thread-safe: one analyzer per capture.
 */
public final class CaptureAnalyzer {

    /** Table sizes: live entries (memory) and listed entries (report length). */
    public record Limits(int liveIkeSas, int listedIkeSas, int liveEspFlows, int listedEspFlows, int liveFragmentTrains,
            int listedFragmentTrains, int livePeerPairs, int listedKeepalives, int liveNeighborTargets,
            int listedIcmpErrors) {

        public static final Limits DEFAULT = new Limits(4096, 200, 65536, 200, 4096, 100, 16384, 100, 4096, 200);
    }

    static final int IKE_PORT = 500;
    static final int NAT_T_PORT = 4500;
    /** Above this UDP payload an ESP-in-UDP datagram may be a GSO run captured before segmentation. */
    static final int GSO_SCAN_THRESHOLD = 1600;
    private static final int ESP_HEADER = 8;
    private static final int UDP_HEADER = 8;

    private final KeySource keys;
    private final Limits limits;
    private final PacketDissector dissector = new PacketDissector();
    private final IpHeaderFields ip = new IpHeaderFields();
    private final ObservationPoints points = new ObservationPoints();
    private final AnalysisContext context = new AnalysisContext();
    private final FindingCollector findings = new FindingCollector();
    private final List<FindingDetector> detectors;
    private final PeerPairTable peers;
    private final IkeSaTracker ikeSas;
    private final EspFlowTable espFlows;
    private final FragmentTrainTracker fragments;
    private final RecentPackets recent = new RecentPackets();
    private final IcmpQuoteMatcher icmp;
    private final NatKeepalives keepalives;
    private final NeighborDiscovery neighborDiscovery;
    private final List<IcmpError> icmpErrors = new ArrayList<>();
    private long icmpErrorCount;
    private long packets;
    private long ipPackets;
    private long nonIp;
    private long malformed;
    private long fragmentPackets;
    private long espPackets;
    private boolean finished;
    private long internalErrors;
    private String firstInternalError;

    public CaptureAnalyzer() {
        this(KeySource.NONE, Limits.DEFAULT);
    }

    public CaptureAnalyzer(KeySource keys, Limits limits) {
        this.keys = keys;
        this.limits = limits;
        this.detectors = List.of(new IkeIpFragmentsDroppedDetector(), new IkeNoResponseDetector(),
                new PmtuBlackHoleDetector(), new PathMtuReportedDetector(), new EspBlockedDetector(),
                new NatDetectedDetector(), new NatMappingChangedDetector(), new NdUnansweredDetector(),
                new EspReplayOrReorderDetector(), new IkeErrorNotifyDetector());
        this.peers = new PeerPairTable(limits.livePeerPairs(), p -> detectors.forEach(d -> d.peerPairDone(p, context, findings)));
        this.ikeSas = new IkeSaTracker(limits.liveIkeSas(), limits.listedIkeSas(), peers, keys,
                sa -> detectors.forEach(d -> d.ikeSaDone(sa, context, findings)));
        this.espFlows = new EspFlowTable(limits.liveEspFlows(), limits.listedEspFlows(),
                f -> detectors.forEach(d -> d.espFlowDone(f, context, findings)));
        this.fragments = new FragmentTrainTracker(limits.liveFragmentTrains(), limits.listedFragmentTrains());
        this.icmp = new IcmpQuoteMatcher(recent, espFlows);
        this.keepalives = new NatKeepalives(limits.liveEspFlows(), limits.listedKeepalives());
        this.neighborDiscovery = new NeighborDiscovery(limits.liveNeighborTargets());
        context.points = points;
        context.espFlows = espFlows;
        context.neighborDiscovery = neighborDiscovery;
    }

    /** Reads and analyses a whole capture file. */
    public static AnalysisReport analyze(Path file) throws IOException {
        CaptureAnalyzer analyzer = new CaptureAnalyzer();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedPacket p;
            while ((p = reader.next()) != null) {
                analyzer.accept(p, reader::interfaces);
            }
        }
        return analyzer.finish();
    }

    /** How many packets have been accepted. */
    public long packets() {
        return packets;
    }

    /**
     * Analyses the next packet of the capture.
     *
     * @param interfaces the reader's interfaces now (for their names)
     */
    public void accept(CapturedPacket packet, List<CaptureInterface> interfaces) {
        accept(packet, () -> interfaces);
    }

    /**
     * Analyses the next packet of the capture.
     *
     * @param interfaces the reader's interfaces, asked for only when a packet comes from a new one
     */
    public void accept(CapturedPacket packet, java.util.function.Supplier<List<CaptureInterface>> interfaces) {
        if (finished) {
            throw new IllegalStateException("finished");
        }
        long number = ++packets;
        long time = packet.timestampNanos();
        if (number == 1) {
            context.firstTime = time;
        }
        context.lastTime = Math.max(context.lastTime, time);
        NetworkPayload network;
        try {
            network = packet.network();
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        ObservationPoint point = points.of(packet.interfaceId(), network.ifIndex(), network.outgoing(),
                id -> {
                    List<CaptureInterface> known = interfaces.get();
                    return id < known.size() ? known.get(id).name() : "";
                });
        byte[] data = packet.data();
        try {
            switch (network.protocol()) {
                case IPV4 -> dissector.ipv4(data, network.offset(), network.length(), packet.truncated(), ip);
                case IPV6 -> dissector.ipv6(data, network.offset(), network.length(), packet.truncated(), ip);
                case OTHER -> {
                    nonIp++;
                    return;
                }
            }
            ipPackets++;
            fragments.expire(time);
            if (ip.fragment) {
                fragment(point, number, time);
            } else {
                transport(point, number, time, null);
            }
        } catch (MalformedPacketException e) {
            malformed++;
        } catch (RuntimeException e) {
            // A bug in one packet's analysis must not end the analysis of the capture; the report says so.
            internalErrors++;
            if (firstInternalError == null) {
                firstInternalError = "packet " + number + ": " + e;
            }
        }
    }

    private void fragment(ObservationPoint point, long number, long time) {
        fragmentPackets++;
        FragmentTrain train = fragments.accept(ip, point, number, time);
        recent.remember(ip, new RecentPackets.Sighted(number, train, null));
        if (ip.fragmentOffset == 0) {
            transport(point, number, time, train);
        }
        if (train.complete() && train.completedPacket() == number) {
            IkeMessageSighting ike = train.ike();
            byte[] whole = train.data();
            if (ike != null && whole != null && whole.length >= UDP_HEADER) {
                int payload = UDP_HEADER + (ike.nonEspMarker() ? 4 : 0);
                int udpLength = Math.min(whole.length, BigEndian.u16(whole, 4));
                if (udpLength > payload) {
                    ikeSas.fragmentsComplete(ike, whole, payload, udpLength - payload);
                }
            } else if (ike != null) {
                ike.completeFragments(null);
            }
            fragments.completed(train);
        }
    }

    /** The transport layer of an unfragmented packet, or of a first fragment ({@code train} not null). */
    private void transport(ObservationPoint point, long number, long time, FragmentTrain train) {
        switch (ip.protocol) {
            case IpProtocol.UDP -> udp(point, number, time, train);
            case IpProtocol.ESP -> esp(point, number, time, ip.transportOffset, ip.transportPresent, 0, 0,
                    ip.ipLength, train != null);
            case IpProtocol.AH -> ah(point, number, time);
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                if (train == null) {
                    icmp(point, number, time);
                }
            }
            default -> { }
        }
    }

    private void udp(ObservationPoint point, long number, long time, FragmentTrain train) {
        if (ip.transportPresent < UDP_HEADER) {
            return;
        }
        byte[] b = ip.buffer;
        int off = ip.transportOffset;
        int sport = BigEndian.u16(b, off);
        int dport = BigEndian.u16(b, off + 2);
        boolean natT = sport == NAT_T_PORT || dport == NAT_T_PORT;
        if (!natT && sport != IKE_PORT && dport != IKE_PORT) {
            return;
        }
        int payload = off + UDP_HEADER;
        int present = ip.transportPresent - UDP_HEADER;
        int wire = BigEndian.u16(b, off + 4) - UDP_HEADER;
        TransportEndpoint source = new TransportEndpoint(ip.source(), sport);
        TransportEndpoint destination = new TransportEndpoint(ip.destination(), dport);
        if (natT) {
            if (wire == 1 && present >= 1 && (b[payload] & 0xFF) == 0xFF) {
                keepalives.accept(point, source, destination, number, time);
                recent.remember(ip, new RecentPackets.Sighted(number, train, null));
                context.ipsecAddress(ip.source());
                return;
            }
            if (present >= 4 && BigEndian.i32(b, payload) == 0) {
                ike(point, number, time, train, source, destination, true, payload + 4, present - 4);
                return;
            }
            if (present >= ESP_HEADER) {
                esp(point, number, time, payload, present, sport, dport, ip.ipLength, train != null);
            }
            return;
        }
        ike(point, number, time, train, source, destination, false, payload, present);
    }

    private void ike(ObservationPoint point, long number, long time, FragmentTrain train, TransportEndpoint source,
            TransportEndpoint destination, boolean marker, int off, int present) {
        IkeMessageSighting s = ikeSas.datagram(number, time, point, source, destination, marker, ip.buffer, off,
                present, train != null);
        if (s == null) {
            return;
        }
        recent.remember(ip, new RecentPackets.Sighted(number, train, s));
        if (train != null) {
            train.attach(s);
        }
        context.ipsecAddress(source.address());
        context.ipsecAddress(destination.address());
    }

    /**
     * An ESP header at {@code off}. In UDP, a datagram far above any MTU may be a GSO run that the capture saw
     * before the kernel cut it: ESP packets back to back, each with the same SPI and the next sequence number.
     */
    private void esp(ObservationPoint point, long number, long time, int off, int present, int sport, int dport,
            int ipLength, boolean firstFragment) {
        if (present < ESP_HEADER) {
            return;
        }
        byte[] b = ip.buffer;
        int spi = BigEndian.i32(b, off);
        long seq = Integer.toUnsignedLong(BigEndian.i32(b, off + 4));
        EspFlow flow = espFlows.flow(point, ip, sport, dport, spi, IpProtocol.ESP, number, peers);
        if (flow.packets() == 0) {
            context.ipsecAddress(ip.source());
            context.ipsecAddress(ip.destination());
        }
        int segment = sport != 0 && !firstFragment && present > GSO_SCAN_THRESHOLD ? gsoSegment(b, off, present, spi, seq) : 0;
        if (segment > 0) {
            flow.gsoSuperPacket();
            int headers = off - ip.ipOffset;
            for (int at = 0, i = 0; at < present; at += segment, i++) {
                int length = Math.min(segment, present - at);
                long s = at + ESP_HEADER <= present ? Integer.toUnsignedLong(BigEndian.i32(b, off + at + 4)) : seq + i;
                flow.accept(number, time, s, headers + length, ip.dontFragment);
                espPackets++;
                open(flow, spi, b, off + at, length);
            }
        } else {
            flow.accept(number, time, seq, ipLength, ip.dontFragment);
            espPackets++;
            // Only a whole packet can be opened: not a first fragment, nor one cut by the snapshot length.
            int whole = sport != 0 ? ip.transportWireLength - UDP_HEADER : ip.transportWireLength;
            if (!firstFragment && present == whole) {
                open(flow, spi, b, off, present);
            }
        }
    }

    private void open(EspFlow flow, int spi, byte[] b, int off, int length) {
        if (keys.knowsKeys()) {
            KeySource.OpenedEspPacket opened = keys.openEsp(spi, ip.destination(), b, off, length);
            if (opened != null) {
                flow.opened(opened);
            }
        }
    }

    /** The segment size of a GSO run of ESP packets, or 0 if the datagram is one packet. */
    private static int gsoSegment(byte[] b, int off, int present, int spi, long seq) {
        int next = (int) (seq + 1);
        for (int at = 16; at + ESP_HEADER <= present; at++) {
            if (BigEndian.i32(b, off + at) == spi && BigEndian.i32(b, off + at + 4) == next) {
                return at;
            }
        }
        return 0;
    }

    private void ah(ObservationPoint point, long number, long time) {
        if (ip.transportPresent < 12) {
            return;
        }
        byte[] b = ip.buffer;
        int off = ip.transportOffset;
        int spi = BigEndian.i32(b, off + 4);
        long seq = Integer.toUnsignedLong(BigEndian.i32(b, off + 8));
        EspFlow flow = espFlows.flow(point, ip, 0, 0, spi, IpProtocol.AH, number, peers);
        if (flow.packets() == 0) {
            context.ipsecAddress(ip.source());
            context.ipsecAddress(ip.destination());
        }
        flow.accept(number, time, seq, ip.ipLength, ip.dontFragment);
        espPackets++;
    }

    private void icmp(ObservationPoint point, long number, long time) {
        if (ip.v6 && ip.transportPresent >= 24) {
            int type = ip.buffer[ip.transportOffset] & 0xFF;
            if (type == 135 || type == 136) {
                NetAddress target = NetAddress.v6(ip.buffer, ip.transportOffset + 8);
                if (type == 135) {
                    neighborDiscovery.solicitation(ip.source(), target, point, number, time);
                } else {
                    neighborDiscovery.advertisement(target);
                }
                return;
            }
        }
        IcmpError e = icmp.examine(ip, number, time, point);
        if (e == null) {
            return;
        }
        icmpErrorCount++;
        if (icmpErrors.size() < limits.listedIcmpErrors()) {
            icmpErrors.add(e);
        }
        context.icmpError(e);
    }

    /** Ends the analysis: closes every table, runs the detectors, and returns the report. */
    public AnalysisReport finish() {
        if (!finished) {
            finished = true;
            fragments.finish();
            ikeSas.finish();
            espFlows.finish();
            peers.finish();
            neighborDiscovery.finish(context.lastTime);
            for (FindingDetector d : detectors) {
                d.finish(context, findings);
            }
        }
        return new AnalysisReport(packets, ipPackets, nonIp, malformed, context.firstTime, context.lastTime,
                points.all(), ikeSas.listed(), ikeSas.saCount(), ikeSas.datagrams(), espFlows.listed(),
                espFlows.flowCount(), espPackets, keepalives.listed(), keepalives.total(), fragments.listed(),
                fragmentPackets, fragments.trains(), fragments.completed(), fragments.incomplete(),
                List.copyOf(icmpErrors), icmpErrorCount, neighborDiscovery.solicitations(),
                neighborDiscovery.advertisements(), neighborDiscovery.unanswered(), findings.sorted(),
                findings.suppressed(), internalErrors, firstInternalError);
    }
}
