package org.ipsec4j.esp;

import java.util.List;

import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.esp.crypto.AhVerification;
import org.ipsec4j.esp.crypto.AhVerified;
import org.ipsec4j.esp.crypto.DecapsulationResult;
import org.ipsec4j.esp.crypto.Decapsulated;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.replay.ReplayWindow;
import org.ipsec4j.esp.replay.SequenceCounter;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.PathMtu;
import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.selector.PacketClassifier;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.TcpSegment;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.frag.FragmentSink;
import org.ipsec4j.wire.frag.Fragmenter;

/**
 * The IPsec data plane, sans-IO: packets and the time come in as arguments, what to send or deliver goes back
 * in a reusable result. No sockets, threads or clock here; no allocation of our own per packet (the JDK's
 * AES-GCM allocates inside {@code Cipher}).
 *
 * <h2>Outbound (RFC 4301 §5.1)</h2>
 * An inner packet read from the TUN device: SPD lookup (built-in ND/IKE bypasses first) → BYPASS, DISCARD,
 * or PROTECT through the policy's current outbound SA → ESP or AH in tunnel mode (a new outer IPv4 or IPv6
 * header, of either family whatever the inner one; DSCP copied and ECN per RFC 6040 normal mode) or transport
 * mode (ESP/AH after the IPv4 header, or after IPv6's unfragmentable part, RFC 4303 §3.1.1, RFC 4302 §3.1) →
 * for ESP optionally UDP (RFC 3948: checksum 0 over IPv4, computed over IPv6). The caller leaves
 * {@link #HEADROOM} bytes before the
 * inner packet and {@link #TAILROOM} after it; the result spans the whole outer packet and, inside it, the
 * part a UDP or IPv6 raw socket sends.
 *
 * <h2>Inbound (RFC 4301 §5.2)</h2>
 * What a socket received: a UDP payload from port 4500 with its {@link InboundMetadata}, ESP/AH from a raw
 * socket without its IP header, or a whole IP packet. RFC 3948 demultiplexing (non-ESP marker → IKE, a lone
 * 0xFF → NAT keepalive), SAD lookup by SPI, anti-replay check, ICV (and for ESP decryption), window update, then the
 * inner packet: tunnel mode extracts it and combines ECN (RFC 6040 §4.2), transport mode puts the IP header
 * back in front of the payload (fixing TCP/UDP checksums a NAT broke, RFC 3948 §3.1.2); finally the inner
 * packet must be allowed by an inbound (or forward) PROTECT policy whose template fits the SA (§5.2 step 4).
 *
 * <p>Every drop has a {@link DropReason}, counted globally ({@link #counters()}) and, once the SA is known,
 * on the SA. Not thread-safe: one data plane per thread, over an SPD and SAD that may be edited from others.
 */
public final class DataPlane {

    /** Bytes an inner packet must have free before it for outbound processing (and a received datagram for inbound). */
    public static final int HEADROOM = 128;
    /** Bytes free after an inner packet for the ESP trailer and ICV. */
    public static final int TAILROOM = 64;
    /** The IKE port, whose datagrams carry no non-ESP marker (RFC 7296 §2.23). */
    public static final int IKE_PORT = 500;

    private static final byte NAT_KEEPALIVE = (byte) 0xFF;

    private final SecurityPolicyDatabase spd;
    private final SecurityAssociationDatabase sad;
    private final DataPlaneCounters counters = new DataPlaneCounters();

    private final PacketClassifier classifier = new PacketClassifier();
    private final PacketSelector selector = new PacketSelector();
    private final Ipv4Packet outerIpv4 = new Ipv4Packet();
    private final Ipv6Packet outerIpv6 = new Ipv6Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();
    private final Decapsulated decapsulated = new Decapsulated();
    private final AhVerified ahVerified = new AhVerified();
    private final NextHeaderFieldLocator nextHeaderField = new NextHeaderFieldLocator();

    private int outerHopLimit = 64;
    private boolean ipv6UdpChecksum = true;
    private boolean mssClamping = true;
    private volatile IpAddress icmpSourceIpv4;
    private volatile IpAddress icmpSourceIpv6;
    private IkeSaCheck ikeSaCheck = (initiatorSpi, responderSpi) -> false;
    private PeerMoveListener peerMoveListener;
    private final TooBigLimiter tooBigLimiter = new TooBigLimiter();
    private final byte[] icmpSourceBytes = new byte[16];
    private final Icmpv4Message icmpv4 = new Icmpv4Message();
    private final Icmpv6Message icmpv6 = new Icmpv6Message();
    private final Ipv4Packet quotedIpv4 = new Ipv4Packet();
    private final Ipv6Packet quotedIpv6 = new Ipv6Packet();
    private final Ipv4Packet icmpOuterIpv4 = new Ipv4Packet();
    private final Ipv6Packet icmpOuterIpv6 = new Ipv6Packet();
    private final byte[] reportAddresses = new byte[32];

    // Per outbound packet (no allocation): the outer size limit and whether the outer header may be fragmented.
    private int outerLimit;
    private boolean outerMayFragment;
    /** Prefragmentation: the fragments of one inner packet, each with headroom and tailroom, sent one by one. */
    private final Prefragments prefragments = new Prefragments();
    private int[] natTraversalPorts = {UdpEncapsulation.NAT_T_PORT};
    private int identification;

    // What the inbound path knows about the outer packet being processed (set per packet, no allocation).
    private IpFamily inFamily;
    private byte[] inAddresses;
    private int inSourceOffset;
    /** The outer UDP source port of ESP in UDP (0: not UDP, or not known). */
    private int inSourcePort;
    private int inDestinationOffset;
    private int inTrafficClass;
    private int inHeaderOffset;
    private int inHeaderEnd;
    private int inNextHeaderField;
    private boolean inUdp;

    public DataPlane(SecurityPolicyDatabase spd, SecurityAssociationDatabase sad) {
        this.spd = spd;
        this.sad = sad;
    }

    public SecurityPolicyDatabase spd() {
        return spd;
    }

    public SecurityAssociationDatabase sad() {
        return sad;
    }

    public DataPlaneCounters counters() {
        return counters;
    }

    /** TTL / hop limit of the outer headers this data plane writes (64 by default). */
    public void setOuterHopLimit(int hops) {
        if (hops < 1 || hops > 255) {
            throw new IllegalArgumentException("hop limit " + hops + " outside 1..255");
        }
        this.outerHopLimit = hops;
    }

    /**
     * Whether to compute the UDP checksum of ESP in UDP over IPv6 (on by default: RFC 8200 §8.1 requires it on
     * the wire). A caller sending through a UDP socket, which computes its own, may switch it off.
     */
    public void setIpv6UdpChecksum(boolean compute) {
        this.ipv6UdpChecksum = compute;
    }

    /**
     * Whether TCP SYNs crossing the tunnel have their MSS option lowered to what the SA's current path MTU
     * carries (RFC 4459 §3.2): outbound SYNs to the outbound SA's, SYNs delivered from an inbound SA to its
     * path MTU (shared with its outbound partner). On by default.
     */
    public void setMssClamping(boolean on) {
        this.mssClamping = on;
    }

    /**
     * The gateway's own address that "fragmentation needed" / "packet too big" messages to inner senders come
     * from, per family; null for none, then the SA's outer local address is used where the family fits. It must
     * not be the inner sender's address: Linux ignores a Packet Too Big whose source is its destination (where
     * it is, the SA's outer address is used instead).
     */
    public void setIcmpSource(IpFamily family, IpAddress address) {
        if (address != null && address.family() != family) {
            throw new IllegalArgumentException(address + " is not an " + family + " address");
        }
        if (family == IpFamily.IPV4) {
            icmpSourceIpv4 = address;
        } else {
            icmpSourceIpv6 = address;
        }
    }

    /** Tells whether a pair of IKE SPIs names a live IKE SA, for ICMP errors that quote our IKE packets. */
    @FunctionalInterface
    public interface IkeSaCheck {
        boolean isLive(long initiatorSpi, long responderSpi);
    }

    /** Who knows the IKE SAs (by default nobody: reports quoting IKE packets count as {@code NO_SA}). */
    public void setIkeSaCheck(IkeSaCheck check) {
        this.ikeSaCheck = java.util.Objects.requireNonNull(check, "check");
    }

    /**
     * Told, on the inbound thread, that an ESP-in-UDP packet came from another address or port than its SA's peer,
     * after its ICV verified and its sequence number was new to the replay window: the peer's NAT mapping changed
     * (RFC 7296 §2.23; what Linux reports to IKE as XFRM_MSG_MAPPING). Whether the SA follows is IKE's decision.
     */
    @FunctionalInterface
    public interface PeerMoveListener {
        void peerMoved(SecurityAssociation sa, IpAddress address, int port);
    }

    /**
     * Who hears of ESP arriving from a new NAT mapping (by default nobody, and nothing is compared). At most one
     * report a second per SA reaches it ({@link SecurityAssociation#peerMoveReportDue}).
     */
    public void setPeerMoveListener(PeerMoveListener listener) {
        this.peerMoveListener = listener;
    }

    /** UDP destination ports treated as ESP in UDP when a whole IP packet is handed in (4500 by default). */
    public void setNatTraversalPorts(int... ports) {
        this.natTraversalPorts = ports.clone();
    }

    // =====================================================================================================
    // Outbound
    // =====================================================================================================

    /**
     * Processes an inner packet (from the TUN device) at {@code buf[off .. off+len)}.
     *
     * @param nowNanos the caller's monotonic clock
     * @throws IllegalArgumentException if the buffer lacks the {@link #HEADROOM} or {@link #TAILROOM} the
     *                                  encapsulation needs (a caller bug, not a packet property)
     */
    public OutboundResult processOutbound(byte[] buf, int off, int len, long nowNanos, OutboundResult r) {
        r.reset(buf);
        if (prefragments.count != 0) {
            prefragments.clear(); // the caller dropped the rest of a prefragmented packet
        }
        r.packetOffset = off;
        r.packetLength = len;
        IpFamily family;
        try {
            family = classifier.classify(buf, off, len, true, selector);
        } catch (MalformedPacketException e) {
            return dropOutbound(r, DropReason.MALFORMED, null);
        }
        // Bytes after the IP packet's own length (link padding) are not part of it.
        len = family == IpFamily.IPV4 ? classifier.ipv4().totalLength() : classifier.ipv6().totalLength();
        r.packetLength = len;
        SecurityPolicy policy = spd.lookup(Direction.OUT, selector);
        if (policy == null) {
            return dropOutbound(r, DropReason.NO_POLICY, null);
        }
        policy.recordHit();
        r.policy = policy;
        return switch (policy.action()) {
            case PolicyAction.Bypass b -> bypass(r);
            case PolicyAction.Discard d -> dropOutbound(r, DropReason.POLICY_DISCARD, null);
            case PolicyAction.Protect p -> protect(buf, off, len, family, policy, p.template(), nowNanos, r);
        };
    }

    private OutboundResult bypass(OutboundResult r) {
        r.action = OutboundResult.Action.BYPASS;
        counters.bypassed++;
        return r;
    }

    private OutboundResult dropOutbound(OutboundResult r, DropReason reason, SecurityAssociation sa) {
        r.action = OutboundResult.Action.DROP;
        r.dropReason = reason;
        r.sa = sa;
        counters.outbound.recordDrop(reason);
        if (sa != null) {
            sa.counters().recordDrop(reason);
        }
        return r;
    }

    private OutboundResult protect(byte[] buf, int off, int len, IpFamily family, SecurityPolicy policy,
                                   IpsecTemplate template, long now, OutboundResult r) {
        SecurityAssociation sa = policy.outboundSa();
        if (sa == null) {
            // Level "use": clear text until IKE brings an SA; "require": drop (and IKE acquires one).
            return template.level() == IpsecTemplate.Level.USE ? bypass(r) : dropOutbound(r, DropReason.NO_SA, null);
        }
        if (!sad.checkUsable(sa, now)) {
            return dropOutbound(r, DropReason.HARD_EXPIRED, sa);
        }
        boolean tunnel = sa.mode() == IpsecMode.TUNNEL;
        boolean fragment = family == IpFamily.IPV4 ? classifier.ipv4().isFragment() : classifier.ipv6().isFragment();
        if (!tunnel && fragment) {
            return dropOutbound(r, DropReason.TRANSPORT_MODE_FRAGMENT, sa);
        }
        if (!tunnel && sa.localAddress().family() != family) {
            return dropOutbound(r, DropReason.UNSUPPORTED, sa); // transport mode keeps the packet's own header
        }
        if (mssClamping && selector.protocol() == IpProtocol.TCP && !fragment) {
            clampSyn(buf, family, sa);
        }
        int innerTos = family == IpFamily.IPV4 ? classifier.ipv4().typeOfService() : classifier.ipv6().trafficClass();
        boolean innerDf = family == IpFamily.IPV4 && classifier.ipv4().dontFragment();
        outerLimit = sa.pathMtu().current(); // one volatile load; the slow path below ages and decides
        outerMayFragment = false;
        int total = encapsulate(buf, off, len, family, innerTos, innerDf, sa, r);
        if (total == TOO_BIG) {
            return tooBig(buf, off, len, family, innerTos, innerDf, sa, now, r);
        }
        return finishProtect(total, len, sa, now, r);
    }

    private static final int TOO_BIG = -4;

    private int encapsulate(byte[] buf, int off, int len, IpFamily family, int innerTos, boolean innerDf,
                            SecurityAssociation sa, OutboundResult r) {
        boolean tunnel = sa.mode() == IpsecMode.TUNNEL;
        if (sa.protocol() == SecurityProtocol.ESP) {
            return tunnel ? espTunnel(buf, off, len, family, innerTos, innerDf, sa, r)
                    : espTransport(buf, off, len, family, sa, r);
        }
        return tunnel ? ahTunnel(buf, off, len, family, innerTos, innerDf, sa, r)
                : ahTransport(buf, off, len, family, sa, r);
    }

    private OutboundResult finishProtect(int total, int len, SecurityAssociation sa, long now, OutboundResult r) {
        if (total == -1) {
            return dropOutbound(r, DropReason.OVERSIZE, sa);
        }
        if (total == -2) {
            dropOutbound(r, DropReason.SEQUENCE_EXHAUSTED, sa);
            sad.sequenceExhausted(sa, now); // RFC 4303 §3.3.3: the SA ends; IKE hears a HARD event
            return r;
        }
        if (total == -3) {
            return dropOutbound(r, DropReason.SEQUENCE_NOT_RESERVED, sa); // never a number that may come again
        }
        sad.account(sa, len, now);
        sa.recordSent(now);
        counters.outbound.recordPacket(len);
        r.action = OutboundResult.Action.SEND;
        r.sa = sa;
        r.source = sa.localAddress();
        r.destination = sa.remoteAddress();
        return r;
    }

    // =====================================================================================================
    // Path MTU: packets that do not fit (RFC 4301 §8.2.1, §8.1), prefragmentation, MSS clamping
    // =====================================================================================================

    /**
     * The inner packet does not fit the SA's path MTU once encapsulated (the slow path: only reached when the
     * path MTU is below what the TUN device's MTU was sized for). Tunnel mode, an inner packet with DF or IPv6:
     * the sender hears ICMP "fragmentation needed" / "packet too big" with the largest inner size that fits.
     * Without DF: fragmented before encryption (prefragmentation), or sent whole with the outer DF clear.
     */
    private OutboundResult tooBig(byte[] buf, int off, int len, IpFamily family, int innerTos, boolean innerDf,
                                  SecurityAssociation sa, long now, OutboundResult r) {
        int pathMtu = sa.pathMtu().current(now); // a learned value may have aged out
        if (pathMtu > outerLimit) {
            outerLimit = pathMtu;
            int total = encapsulate(buf, off, len, family, innerTos, innerDf, sa, r);
            if (total != TOO_BIG) {
                return finishProtect(total, len, sa, now, r);
            }
        }
        boolean tunnel = sa.mode() == IpsecMode.TUNNEL;
        int innerMtu = largestInnerPacket(sa, family, pathMtu);
        if (family == IpFamily.IPV6) {
            if (len <= Ipv6Packet.MIN_MTU) {
                // RFC 8200 §5: whatever the path, the tunnel carries 1280-byte IPv6 packets; the outer header
                // is fragmented for them (RFC 4459 §3.1's last resort).
                return sendFragmentable(buf, off, len, family, innerTos, innerDf, sa, now, r);
            }
            return packetTooBig(buf, off, family, Math.max(innerMtu, Ipv6Packet.MIN_MTU), sa, now, r);
        }
        if (innerDf) {
            return packetTooBig(buf, off, family, innerMtu, sa, now, r);
        }
        if (tunnel && sa.prefragment()) {
            return prefragment(buf, off, len, innerTos, innerMtu, sa, now, r);
        }
        return sendFragmentable(buf, off, len, family, innerTos, innerDf, sa, now, r);
    }

    /** The largest inner packet of this family and header that fits {@code pathMtu} on {@code sa}. */
    private int largestInnerPacket(SecurityAssociation sa, IpFamily family, int pathMtu) {
        if (sa.mode() == IpsecMode.TUNNEL) {
            return sa.largestInnerPacket(pathMtu);
        }
        int header = family == IpFamily.IPV4 ? classifier.ipv4().headerLength()
                : classifier.ipv6().unfragmentablePartLength();
        return sa.largestInnerPacket(pathMtu, header);
    }

    /** Sends the packet whole, larger than the path MTU, with the outer DF clear: the path fragments it. */
    private OutboundResult sendFragmentable(byte[] buf, int off, int len, IpFamily family, int innerTos,
                                            boolean innerDf, SecurityAssociation sa, long now, OutboundResult r) {
        outerLimit = PathMtu.UNKNOWN;
        outerMayFragment = true;
        int total = encapsulate(buf, off, len, family, innerTos, innerDf, sa, r);
        if (total >= 0) {
            counters.sentOverPathMtu++;
        }
        return finishProtect(total, len, sa, now, r);
    }

    /**
     * Drops the inner packet ({@link DropReason#PATH_MTU_EXCEEDED}) and, unless RFC 1812 §4.3.2.7 / RFC 4443
     * §2.4(e) forbid an error about it or the rate limit is reached, builds the ICMP error for its sender in
     * front of it, in the same buffer: {@link OutboundResult.Action#REPLY}, to be written into the TUN device.
     */
    private OutboundResult packetTooBig(byte[] buf, int off, IpFamily family, int mtu, SecurityAssociation sa,
                                        long now, OutboundResult r) {
        dropOutbound(r, DropReason.PATH_MTU_EXCEEDED, sa);
        r.icmpMtu = mtu;
        boolean allowed = family == IpFamily.IPV4 ? Icmpv4Message.mayRespondWithError(classifier.ipv4())
                : Icmpv6Message.mayRespondWithError(classifier.ipv6(), Icmpv6Message.TYPE_PACKET_TOO_BIG);
        if (!allowed) {
            counters.tooBigSuppressed++;
            return r;
        }
        int senderOff = family == IpFamily.IPV4 ? classifier.ipv4().sourceOffset() : classifier.ipv6().sourceOffset();
        IpAddress source = icmpSource(family, buf, senderOff, sa);
        if (source == null) {
            counters.tooBigWithoutSource++;
            return r;
        }
        if (!tooBigLimiter.take(now)) {
            counters.tooBigRateLimited++;
            return r;
        }
        int start;
        int total;
        if (family == IpFamily.IPV4) {
            start = off - Ipv4Packet.MIN_HEADER_LENGTH - Icmpv4Message.HEADER_LENGTH;
            checkRoom(buf, start, off);
            total = Icmpv4Message.writeFragmentationNeeded(buf, start, source.ipv4Value(), nextIdentification(), mtu,
                    classifier.ipv4());
        } else {
            start = off - Ipv6Packet.HEADER_LENGTH - Icmpv6Message.HEADER_LENGTH;
            checkRoom(buf, start, off);
            source.writeTo(icmpSourceBytes, 0);
            total = Icmpv6Message.writePacketTooBig(buf, start, icmpSourceBytes, 0, mtu, classifier.ipv6());
        }
        counters.tooBigSent++;
        r.action = OutboundResult.Action.REPLY;
        r.buffer = buf;
        r.packetOffset = start;
        r.packetLength = total;
        return r;
    }

    /** The configured source for errors of this family, or the SA's outer address; never the sender's own. */
    private IpAddress icmpSource(IpFamily family, byte[] buf, int senderOff, SecurityAssociation sa) {
        IpAddress configured = family == IpFamily.IPV4 ? icmpSourceIpv4 : icmpSourceIpv6;
        if (configured != null && !configured.equalsBytes(buf, senderOff)) {
            return configured;
        }
        IpAddress outer = sa.localAddress();
        if (outer.family() == family && !outer.equalsBytes(buf, senderOff)) {
            return outer;
        }
        return null;
    }

    /**
     * Fragments an inner IPv4 packet without DF into pieces of at most {@code innerMtu} bytes (RFC 791 §3.2)
     * and sends the first; {@link #nextFragment} sends the others. The peer then gets ESP packets that each fit
     * the path and reassembles the inner packet after decryption, or leaves that to the inner destination.
     */
    private OutboundResult prefragment(byte[] buf, int off, int len, int innerTos, int innerMtu,
                                       SecurityAssociation sa, long now, OutboundResult r) {
        if (innerMtu < Fragmenter.MIN_IPV4_MTU) {
            return sendFragmentable(buf, off, len, IpFamily.IPV4, innerTos, false, sa, now, r);
        }
        try {
            prefragments.split(buf, off, len, innerMtu);
        } catch (RuntimeException e) { // MalformedPacketException, or a fragment header that cannot be split
            prefragments.clear();
            return dropOutbound(r, DropReason.MALFORMED, sa);
        }
        counters.prefragmented++;
        prefragments.sa = sa;
        prefragments.innerTos = innerTos;
        prefragments.policy = r.policy;
        return nextFragment(now, r);
    }

    /**
     * After a {@link OutboundResult.Action#SEND} whose {@link OutboundResult#moreFragments()} is true: the next
     * fragment of the prefragmented inner packet, encapsulated (it lies in a buffer of the data plane's, valid
     * until the next call). Call until {@code moreFragments()} is false.
     *
     * @throws IllegalStateException if no fragments are pending
     */
    public OutboundResult nextFragment(long nowNanos, OutboundResult r) {
        if (!prefragments.pending()) {
            throw new IllegalStateException("no prefragmented packet pending");
        }
        SecurityAssociation sa = prefragments.sa;
        SecurityPolicy policy = prefragments.policy;
        int index = prefragments.next++;
        byte[] stash = prefragments.stash;
        int off = prefragments.offsets[index];
        int len = prefragments.lengths[index];
        r.reset(stash);
        r.policy = policy;
        r.packetOffset = off;
        r.packetLength = len;
        if (!sad.checkUsable(sa, nowNanos)) {
            prefragments.clear();
            return dropOutbound(r, DropReason.HARD_EXPIRED, sa);
        }
        outerLimit = PathMtu.UNKNOWN; // sized to fit already
        outerMayFragment = false;
        int total = sa.protocol() == SecurityProtocol.ESP
                ? espTunnel(stash, off, len, IpFamily.IPV4, prefragments.innerTos, false, sa, r)
                : ahTunnel(stash, off, len, IpFamily.IPV4, prefragments.innerTos, false, sa, r);
        finishProtect(total, len, sa, nowNanos, r);
        if (r.action == OutboundResult.Action.SEND) {
            counters.fragmentsSent++;
        }
        r.moreFragments = prefragments.pending() && r.action == OutboundResult.Action.SEND;
        if (!r.moreFragments) {
            prefragments.clear();
        }
        return r;
    }

    /** The fragments of one inner packet, laid out with {@link #HEADROOM} and {@link #TAILROOM} around each. */
    private static final class Prefragments implements FragmentSink {
        private final Fragmenter fragmenter = new Fragmenter();
        byte[] stash = new byte[0];
        int[] offsets = new int[0];
        int[] lengths = new int[0];
        int count;
        int next;
        int position;
        SecurityAssociation sa;
        SecurityPolicy policy;
        int innerTos;

        void split(byte[] buf, int off, int len, int mtu) {
            // Every fragment but the last carries a multiple of 8 data bytes after a header of at most 60.
            int fragments = len / (((mtu - 60) & ~7)) + 2;
            int slot = HEADROOM + mtu + TAILROOM;
            if (stash.length < fragments * slot) {
                stash = new byte[fragments * slot]; // grows rarely, to the largest split seen
            }
            if (offsets.length < fragments) {
                offsets = new int[fragments];
                lengths = new int[fragments];
            }
            count = 0;
            next = 0;
            position = 0;
            fragmenter.fragmentIpv4(buf, off, len, mtu, this);
        }

        @Override
        public void fragment(byte[] buffer, int offset, int length, int index) {
            int at = position + HEADROOM;
            System.arraycopy(buffer, offset, stash, at, length);
            offsets[count] = at;
            lengths[count] = length;
            count++;
            position = at + length + TAILROOM;
        }

        boolean pending() {
            return next < count;
        }

        void clear() {
            count = 0;
            next = 0;
            sa = null;
            policy = null;
        }
    }

    /**
     * Lowers the MSS option of a TCP SYN to what {@code sa}'s path carries: the largest inner packet less the
     * IP and the 20-byte TCP header (RFC 4459 §3.2; RFC 9293 §3.7.1). A path MTU not known yet clamps nothing.
     * While IKE's first search runs, the path counts as no larger than its search base ({@link
     * PathMtu#currentForSyn}).
     */
    private void clampSyn(byte[] buf, IpFamily family, SecurityAssociation sa) {
        int tcpOff = family == IpFamily.IPV4 ? classifier.ipv4().payloadOffset() : classifier.ipv6().upperLayerOffset();
        if ((buf[tcpOff + 13] & TcpSegment.SYN) == 0) {
            return;
        }
        int pathMtu = sa.pathMtu().currentForSyn();
        if (pathMtu == PathMtu.UNKNOWN) {
            return;
        }
        int ipHeader = family == IpFamily.IPV4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
        int mss = largestInnerPacket(sa, family, pathMtu) - ipHeader - TcpSegment.MIN_HEADER_LENGTH;
        // Never below the defaults a host assumes without the option (RFC 9293 §3.7.1, RFC 8200 §8.3).
        mss = Math.max(mss, family == IpFamily.IPV4 ? 536 : 1220);
        try {
            TcpSegment t = family == IpFamily.IPV4 ? tcp.wrap(classifier.ipv4()) : tcp.wrap(classifier.ipv6());
            if (t.clampMss(mss)) {
                counters.mssClamped++;
            }
        } catch (MalformedPacketException e) {
            // the classifier read the ports; options it cannot walk are left as they are
        }
    }

    /** Allows errors to inner senders at 1000 per second with bursts of 50, as Linux's icmp_msgs_per_sec does. */
    private static final class TooBigLimiter {
        private static final long NANOS_PER_TOKEN = 1_000_000L;
        private static final int BURST = 50;
        private int tokens = BURST;
        private long refilledAt = Long.MIN_VALUE;

        boolean take(long now) {
            if (refilledAt == Long.MIN_VALUE) {
                refilledAt = now;
            }
            long earned = (now - refilledAt) / NANOS_PER_TOKEN;
            if (earned > 0) {
                tokens = (int) Math.min(BURST, tokens + earned);
                refilledAt = tokens == BURST ? now : refilledAt + earned * NANOS_PER_TOKEN;
            }
            if (tokens == 0) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    /**
     * ESP tunnel mode (RFC 4303 §3.1.2): [outer IP][UDP]?[ESP hdr][IV] inner packet [trailer][ICV], the inner
     * packet encrypted where it lies.
     *
     * @return the outer packet length, -1 if it would be too big, -2 if the sequence numbers ran out, -3 if the
     *         next one is not reserved yet
     */
    private int espTunnel(byte[] buf, int off, int len, IpFamily innerFamily, int innerTos, boolean innerDf,
                          SecurityAssociation sa, OutboundResult r) {
        EspTransform t = sa.espTransform();
        UdpEncapsulation encap = sa.udpEncapsulation();
        IpFamily outer = sa.localAddress().family();
        int ipHeader = outer == IpFamily.IPV4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
        int udpHeader = encap != null ? UdpDatagram.HEADER_LENGTH : 0;
        int espLength = t.espLength(len);
        int total = ipHeader + udpHeader + espLength;
        if (total - (outer == IpFamily.IPV6 ? Ipv6Packet.HEADER_LENGTH : 0) > 0xFFFF) {
            return -1;
        }
        if (total > outerLimit) {
            return TOO_BIG;
        }
        int espOff = off - t.headerLength();
        int packetOff = espOff - udpHeader - ipHeader;
        checkRoom(buf, packetOff, off + len + t.trailerMax());
        boolean dontFragment = outerDontFragment(sa, innerFamily, innerDf);
        // RFC 4301 §5.1.2.1: DSCP copied (seed 004: QoS must see it); RFC 6040 §4.1 normal mode for ECN.
        int outerTos = (innerTos & 0xFC) | EcnPropagation.encapsulate(innerTos);

        long seq = sa.sequenceCounter().next();
        if (seq < 0) {
            return seq == SequenceCounter.EXHAUSTED ? -2 : -3;
        }
        sa.espCodec().encapsulate(seq, innerFamily.ipInIpProtocol(), buf, off, len, buf, espOff);
        writeOuter(buf, packetOff, outer, outerTos, dontFragment, encap, IpProtocol.ESP, sa, udpHeader + espLength,
                espOff - udpHeader);
        fillSend(r, buf, packetOff, total, espOff - udpHeader, udpHeader, encap, IpProtocol.ESP);
        r.trafficClass = outerTos;
        r.dontFragment = dontFragment && outer == IpFamily.IPV4;
        return total;
    }

    /**
     * The outer DF bit in tunnel mode (RFC 4301 §8.1): the SA's policy; COPY takes an IPv6 inner packet as DF
     * (it is never fragmented on its way); a packet the path MTU forced through goes with DF clear.
     */
    private boolean outerDontFragment(SecurityAssociation sa, IpFamily innerFamily, boolean innerDf) {
        if (outerMayFragment) {
            return false;
        }
        return switch (sa.dontFragment()) {
            case COPY -> innerDf || innerFamily == IpFamily.IPV6;
            case SET -> true;
            case CLEAR -> false;
        };
    }

    /**
     * ESP transport mode (RFC 4303 §3.1.1): the IP header (IPv6: its unfragmentable part) moves forward to
     * make room for [UDP]?[ESP hdr][IV]; the upper-layer payload is encrypted where it lies.
     */
    private int espTransport(byte[] buf, int off, int len, IpFamily family, SecurityAssociation sa, OutboundResult r) {
        EspTransform t = sa.espTransform();
        UdpEncapsulation encap = sa.udpEncapsulation();
        int udpHeader = encap != null ? UdpDatagram.HEADER_LENGTH : 0;
        int headerLength;
        int nextHeaderFieldOff;
        if (family == IpFamily.IPV4) {
            headerLength = classifier.ipv4().headerLength();
            nextHeaderFieldOff = off + 9;
        } else {
            Ipv6Packet ip = classifier.ipv6();
            headerLength = ip.unfragmentablePartLength();
            nextHeaderFieldOff = nextHeaderField.fieldNaming(ip, off + headerLength);
        }
        int payloadOff = off + headerLength;
        int payloadLength = len - headerLength;
        int espLength = t.espLength(payloadLength);
        int total = headerLength + udpHeader + espLength;
        if (total - (family == IpFamily.IPV6 ? Ipv6Packet.HEADER_LENGTH : 0) > 0xFFFF) {
            return -1;
        }
        if (total > outerLimit) {
            return TOO_BIG;
        }
        int shift = t.headerLength() + udpHeader;
        int newOff = off - shift;
        checkRoom(buf, newOff, off + len + t.trailerMax());
        int nextHeader = buf[nextHeaderFieldOff] & 0xFF;
        int tos = family == IpFamily.IPV4 ? classifier.ipv4().typeOfService() : classifier.ipv6().trafficClass();

        long seq = sa.sequenceCounter().next();
        if (seq < 0) {
            return seq == SequenceCounter.EXHAUSTED ? -2 : -3;
        }
        System.arraycopy(buf, off, buf, newOff, headerLength);
        int espOff = payloadOff - t.headerLength();
        sa.espCodec().encapsulate(seq, nextHeader, buf, payloadOff, payloadLength, buf, espOff);
        buf[nextHeaderFieldOff - shift] = (byte) (encap != null ? IpProtocol.UDP : IpProtocol.ESP);
        int udpOff = espOff - udpHeader;
        if (family == IpFamily.IPV4) {
            // wrapQuoted: the header is complete but its total length still says the old, shorter length.
            Ipv4Packet ip = outerIpv4.wrapQuoted(buf, newOff, total);
            ip.setTotalLength(total).updateHeaderChecksum();
            if (encap != null) {
                UdpDatagram.writeHeader(buf, udpOff, encap.localPort(), encap.remotePort(), espLength);
            }
        } else {
            Ipv6Packet ip = outerIpv6.wrapQuoted(buf, newOff, total);
            ip.setPayloadLength(total - Ipv6Packet.HEADER_LENGTH);
            if (encap != null) {
                UdpDatagram.writeHeader(buf, udpOff, encap.localPort(), encap.remotePort(), espLength);
                if (ipv6UdpChecksum) {
                    udp.wrap(buf, udpOff, udpHeader + espLength).updateChecksum(ip);
                }
            }
        }
        fillSend(r, buf, newOff, total, udpOff, udpHeader, encap, IpProtocol.ESP);
        r.trafficClass = tos; // the packet's own header goes out: a socket that rebuilds it must keep DSCP and ECN
        r.dontFragment = family == IpFamily.IPV4 && classifier.ipv4().dontFragment();
        return total;
    }

    /**
     * AH tunnel mode (RFC 4302 §3.1): [outer IP][AH] inner packet; the codec fills in the AH over the laid-out
     * packet. The outer TOS is a mutable field for the ICV, so DSCP and ECN are copied as for ESP.
     */
    private int ahTunnel(byte[] buf, int off, int len, IpFamily innerFamily, int innerTos, boolean innerDf,
                         SecurityAssociation sa, OutboundResult r) {
        AhCodec codec = sa.ahCodec();
        IpFamily outer = sa.localAddress().family();
        int ipHeader = outer == IpFamily.IPV4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
        int ahLength = codec.headerLength(outer.version());
        int total = ipHeader + ahLength + len;
        if (total - (outer == IpFamily.IPV6 ? Ipv6Packet.HEADER_LENGTH : 0) > 0xFFFF) {
            return -1;
        }
        if (total > outerLimit) {
            return TOO_BIG;
        }
        int packetOff = off - ahLength - ipHeader;
        checkRoom(buf, packetOff, off + len);
        boolean dontFragment = outerDontFragment(sa, innerFamily, innerDf);
        long seq = sa.sequenceCounter().next();
        if (seq < 0) {
            return seq == SequenceCounter.EXHAUSTED ? -2 : -3;
        }
        int outerTos = (innerTos & 0xFC) | EcnPropagation.encapsulate(innerTos);
        writeOuter(buf, packetOff, outer, outerTos, dontFragment, null, IpProtocol.AH, sa, ahLength + len, 0);
        codec.protect(seq, innerFamily.ipInIpProtocol(), buf, packetOff, total);
        fillSend(r, buf, packetOff, total, packetOff + ipHeader, 0, null, IpProtocol.AH);
        r.trafficClass = outerTos;
        r.dontFragment = dontFragment && outer == IpFamily.IPV4;
        return total;
    }

    /** AH transport mode: the codec inserts the AH after the IPv4 header or IPv6's unfragmentable part. */
    private int ahTransport(byte[] buf, int off, int len, IpFamily family, SecurityAssociation sa, OutboundResult r) {
        AhCodec codec = sa.ahCodec();
        int ahLength = codec.headerLength(family.version());
        int headerPart = family == IpFamily.IPV4 ? classifier.ipv4().headerLength()
                : classifier.ipv6().unfragmentablePartLength();
        if (len + ahLength - (family == IpFamily.IPV6 ? Ipv6Packet.HEADER_LENGTH : 0) > 0xFFFF) {
            return -1;
        }
        if (len + ahLength > outerLimit) {
            return TOO_BIG;
        }
        checkRoom(buf, off, off + len + ahLength);
        long seq = sa.sequenceCounter().next();
        if (seq < 0) {
            return seq == SequenceCounter.EXHAUSTED ? -2 : -3;
        }
        int tos;
        if (family == IpFamily.IPV4) {
            Ipv4Packet ip = classifier.ipv4();
            tos = ip.typeOfService();
            if (ip.identification() == 0) {
                // The ICV covers the identification (RFC 4302 §3.3.3.1.1.1), and a Linux raw socket with
                // IP_HDRINCL replaces a zero one; atomic datagrams may carry any value (RFC 6864 §4.1).
                ip.setIdentification(nextIdentification()).updateHeaderChecksum();
            }
        } else {
            tos = classifier.ipv6().trafficClass();
        }
        boolean dontFragment = family == IpFamily.IPV4 && classifier.ipv4().dontFragment();
        int total = codec.encapsulateTransport(seq, buf, off, len);
        fillSend(r, buf, off, total, off + headerPart, 0, null, IpProtocol.AH);
        r.trafficClass = tos;
        r.dontFragment = dontFragment;
        return total;
    }

    /** Writes the outer IP header at {@code packetOff} and, with UDP encapsulation, the UDP header at {@code udpOff}. */
    private void writeOuter(byte[] buf, int packetOff, IpFamily outer, int tos, boolean dontFragment,
                            UdpEncapsulation encap, int securityProtocol, SecurityAssociation sa, int ipPayloadLength,
                            int udpOff) {
        int protocol = encap != null ? IpProtocol.UDP : securityProtocol;
        if (encap != null) {
            // RFC 3948 §2.1: checksum 0 over IPv4; over IPv6 computed below once the IP header is in place.
            UdpDatagram.writeHeader(buf, udpOff, encap.localPort(), encap.remotePort(),
                    ipPayloadLength - UdpDatagram.HEADER_LENGTH);
        }
        if (outer == IpFamily.IPV4) {
            Ipv4Packet.writeHeader(buf, packetOff, tos, Ipv4Packet.MIN_HEADER_LENGTH + ipPayloadLength, nextIdentification(),
                    dontFragment, outerHopLimit, protocol, sa.localAddress().ipv4Value(), sa.remoteAddress().ipv4Value());
        } else {
            // The builder copies addresses from an array: put them in place first, then copy them onto themselves.
            int src = packetOff + 8;
            int dst = packetOff + 24;
            sa.localAddress().writeTo(buf, src);
            sa.remoteAddress().writeTo(buf, dst);
            Ipv6Packet.writeHeader(buf, packetOff, tos, 0, ipPayloadLength, protocol, outerHopLimit, buf, src, buf, dst);
            if (encap != null && ipv6UdpChecksum) {
                Ipv6Packet ip = outerIpv6.wrap(buf, packetOff, Ipv6Packet.HEADER_LENGTH + ipPayloadLength);
                udp.wrap(buf, udpOff, ipPayloadLength).updateChecksum(ip);
            }
        }
    }

    /**
     * The next IPv4 identification for a header we write: never 0, because a Linux raw socket with IP_HDRINCL
     * replaces a zero identification, and AH covers it (RFC 4302 §3.3.3.1.1.1).
     */
    private int nextIdentification() {
        identification = identification >= 0xFFFF ? 1 : identification + 1;
        return identification;
    }

    private static void fillSend(OutboundResult r, byte[] buf, int packetOff, int total, int udpOrEspOff, int udpHeader,
                                 UdpEncapsulation encap, int securityProtocol) {
        r.buffer = buf;
        r.packetOffset = packetOff;
        r.packetLength = total;
        r.payloadOffset = udpOrEspOff + udpHeader;
        r.payloadLength = packetOff + total - r.payloadOffset;
        r.udpEncapsulated = encap != null;
        r.ipProtocol = encap != null ? IpProtocol.UDP : securityProtocol;
        r.sourcePort = encap != null ? encap.localPort() : 0;
        r.destinationPort = encap != null ? encap.remotePort() : 0;
    }

    private static void checkRoom(byte[] buf, int start, int end) {
        if (start < 0 || end > buf.length) {
            throw new IllegalArgumentException("buffer needs " + HEADROOM + " bytes of headroom and " + TAILROOM
                    + " of tailroom around the packet (short by " + Math.max(-start, end - buf.length) + ")");
        }
    }

    // =====================================================================================================
    // NAT keepalives (RFC 3948 §4)
    // =====================================================================================================

    /**
     * When the next NAT keepalive is due: the earliest {@code lastSent + interval} over outbound SAs with UDP
     * encapsulation and a keepalive interval; {@link Long#MAX_VALUE} if none. The caller owns the timer.
     */
    public long nextKeepaliveNanos() {
        long next = Long.MAX_VALUE;
        List<SecurityAssociation> sas = sad.list();
        for (int i = 0; i < sas.size(); i++) {
            SecurityAssociation sa = sas.get(i);
            if (keepaliveCandidate(sa)) {
                next = Math.min(next, sa.lastSentNanos() + sa.keepaliveIntervalNanos());
            }
        }
        return next;
    }

    private static boolean keepaliveCandidate(SecurityAssociation sa) {
        return sa.flow() == SecurityAssociation.Flow.OUTBOUND && sa.udpEncapsulation() != null
                && sa.keepaliveIntervalNanos() > 0 && sa.isUsable();
    }

    /**
     * Writes the next due NAT keepalive, one byte 0xFF in UDP (RFC 3948 §2.3), as a whole IP packet at
     * {@code buf[off]} (29 or 49 bytes), and restarts that SA's interval. Call until it returns null.
     *
     * @return the filled result (SEND), or null if no keepalive is due at {@code nowNanos}
     */
    public OutboundResult nextKeepalive(byte[] buf, int off, long nowNanos, OutboundResult r) {
        List<SecurityAssociation> sas = sad.list();
        for (int i = 0; i < sas.size(); i++) {
            SecurityAssociation sa = sas.get(i);
            if (!keepaliveCandidate(sa) || nowNanos - sa.lastSentNanos() < sa.keepaliveIntervalNanos()) {
                continue;
            }
            UdpEncapsulation encap = sa.udpEncapsulation();
            r.reset(buf);
            int total;
            if (sa.localAddress().family() == IpFamily.IPV4) {
                buf[off + Ipv4Packet.MIN_HEADER_LENGTH + UdpDatagram.HEADER_LENGTH] = NAT_KEEPALIVE;
                total = UdpDatagram.writeIpv4(buf, off, sa.localAddress().ipv4Value(), sa.remoteAddress().ipv4Value(),
                        encap.localPort(), encap.remotePort(), outerHopLimit, nextIdentification(), false, 1);
            } else {
                buf[off + Ipv6Packet.HEADER_LENGTH + UdpDatagram.HEADER_LENGTH] = NAT_KEEPALIVE;
                sa.localAddress().writeTo(buf, off + 8);
                sa.remoteAddress().writeTo(buf, off + 24);
                total = UdpDatagram.writeIpv6(buf, off, buf, off + 8, buf, off + 24, encap.localPort(),
                        encap.remotePort(), outerHopLimit, 1);
            }
            int ipHeader = total - UdpDatagram.HEADER_LENGTH - 1;
            fillSend(r, buf, off, total, off + ipHeader, UdpDatagram.HEADER_LENGTH, encap, IpProtocol.ESP);
            r.action = OutboundResult.Action.SEND;
            r.sa = sa;
            r.source = sa.localAddress();
            r.destination = sa.remoteAddress();
            sa.recordSent(nowNanos);
            counters.keepalivesSent++;
            return r;
        }
        return null;
    }

    // =====================================================================================================
    // Path MTU reports: ICMP errors that quote our outer packets (RFC 4301 §8.2.1, §6.1.2)
    // =====================================================================================================

    /**
     * A whole IPv4 or IPv6 packet carrying an ICMP message, as a raw ICMP socket, a capture or a simulated link
     * hands it over: "fragmentation needed" (type 3 code 4, RFC 1191) or "packet too big" (ICMPv6 type 2, RFC
     * 8201) quoting one of our outer packets lowers that SA's path MTU, after the checks of
     * {@link #pathMtuReported(byte[], int, int, int, long, PathMtuResult)}. Other messages are
     * {@code NOT_OURS}; a bad checksum or header is {@code MALFORMED}.
     */
    public PathMtuResult icmpReceived(byte[] buf, int off, int len, long nowNanos, PathMtuResult r) {
        r.reset(0);
        try {
            int version = len > 0 ? (buf[off] & 0xFF) >>> 4 : 0;
            if (version == 4) {
                Ipv4Packet ip = icmpOuterIpv4.wrap(buf, off, len);
                if (ip.protocol() != IpProtocol.ICMP || ip.isFragment()) {
                    return finishReport(r, PathMtuOutcome.NOT_OURS);
                }
                Icmpv4Message m = icmpv4.wrap(ip);
                if (!m.checksumValid()) {
                    return finishReport(r, PathMtuOutcome.MALFORMED);
                }
                if (!m.isFragmentationNeeded()) {
                    return finishReport(r, PathMtuOutcome.NOT_OURS);
                }
                r.reportedMtu = m.nextHopMtu();
                return quotedPacket(buf, m.quotedPacketOffset(), m.quotedPacketLength(), r.reportedMtu, nowNanos, r);
            }
            if (version == 6) {
                Ipv6Packet ip = icmpOuterIpv6.wrap(buf, off, len);
                if (ip.upperLayerProtocol() != IpProtocol.ICMPV6 || ip.isFragment()) {
                    return finishReport(r, PathMtuOutcome.NOT_OURS);
                }
                Icmpv6Message m = icmpv6.wrap(ip);
                if (!m.verifyChecksum(ip)) {
                    return finishReport(r, PathMtuOutcome.MALFORMED);
                }
                if (m.type() != Icmpv6Message.TYPE_PACKET_TOO_BIG) {
                    return finishReport(r, PathMtuOutcome.NOT_OURS);
                }
                r.reportedMtu = (int) Math.min(m.mtu(), Integer.MAX_VALUE);
                return quotedPacket(buf, m.quotedPacketOffset(), m.quotedPacketLength(), r.reportedMtu, nowNanos, r);
            }
            return finishReport(r, PathMtuOutcome.MALFORMED);
        } catch (MalformedPacketException e) {
            return finishReport(r, PathMtuOutcome.MALFORMED);
        }
    }

    /**
     * A path MTU of {@code mtu} reported about the quoted packet at {@code quote[off .. off+len)}, which starts
     * with its IP header: an ICMP error's payload, or what IP_RECVERR queues on a raw socket that sends its own
     * header. The quote must be one of ours (RFC 4301 §6.1.2: an ICMP message cannot be authenticated, so what
     * it quotes must at least name a live SA):
     * <ul>
     *   <li>ESP or AH: a live outbound SA with the quoted SPI, whose addresses are the quote's;</li>
     *   <li>ESP in UDP: the same, and the SA's encapsulation ports;</li>
     *   <li>IKE (UDP port 500, or 4500 with the non-ESP marker): IKE SPIs of a live IKE SA (see
     *       {@link #setIkeSaCheck}); then every outbound SA between the quoted addresses takes the report.</li>
     * </ul>
     * Then {@link PathMtu#report} applies it: the floor of 576 (IPv4) or 1280 (IPv6), only ever down, one change
     * per second per SA, aging back after ten minutes. Every outcome is counted
     * ({@link DataPlaneCounters#pathMtuReports}).
     */
    public PathMtuResult pathMtuReported(byte[] quote, int off, int len, int mtu, long nowNanos, PathMtuResult r) {
        r.reset(mtu);
        try {
            return quotedPacket(quote, off, len, mtu, nowNanos, r);
        } catch (MalformedPacketException e) {
            return finishReport(r, PathMtuOutcome.MALFORMED);
        }
    }

    /**
     * As {@link #pathMtuReported(byte[], int, int, int, long, PathMtuResult)} for what a socket's error queue
     * (IP_RECVERR / IPV6_RECVERR) reports without the quoted IP header: a UDP socket gives the quoted UDP
     * payload (the ESP packet, or the IKE message with its marker) and its ports, an IPv6 raw socket the quoted
     * ESP or AH header.
     *
     * @param local      our address the quoted packet came from, or null if the socket does not say
     * @param remote     where it went (the error queue's original destination)
     * @param protocol   {@link IpProtocol#UDP}, {@link IpProtocol#ESP} or {@link IpProtocol#AH}
     * @param localPort  UDP: our port (the socket's); otherwise ignored
     * @param remotePort UDP: the peer's port; otherwise ignored
     */
    public PathMtuResult pathMtuReported(IpAddress local, IpAddress remote, int protocol, int localPort,
                                         int remotePort, byte[] quote, int off, int len, int mtu, long nowNanos,
                                         PathMtuResult r) {
        r.reset(mtu);
        if (local != null && local.family() != remote.family()) {
            throw new IllegalArgumentException("local and remote addresses of different families");
        }
        if (local != null) {
            local.writeTo(reportAddresses, 0);
        }
        remote.writeTo(reportAddresses, 16);
        return quotedPayload(remote.family(), reportAddresses, local != null ? 0 : -1, reportAddresses, 16, protocol,
                protocol == IpProtocol.UDP, localPort, remotePort, quote, off, len, mtu, nowNanos, r);
    }

    private PathMtuResult quotedPacket(byte[] quote, int off, int len, int mtu, long now, PathMtuResult r) {
        int version = len > 0 ? (quote[off] & 0xFF) >>> 4 : 0;
        if (version == 4) {
            Ipv4Packet q = quotedIpv4.wrapQuoted(quote, off, len);
            if (q.fragmentOffset() != 0) {
                return finishReport(r, PathMtuOutcome.NOT_OURS); // our packets are never fragments
            }
            int end = q.offset() + Math.min(q.capacity(), q.totalLength());
            return quotedPayload(IpFamily.IPV4, quote, q.sourceOffset(), quote, q.destinationOffset(), q.protocol(),
                    false, -1, -1, quote, q.payloadOffset(), end - q.payloadOffset(), mtu, now, r);
        }
        if (version == 6) {
            Ipv6Packet q = quotedIpv6.wrapQuoted(quote, off, len);
            if (q.upperLayerProtocol() < 0) {
                return finishReport(r, q.isFragment() ? PathMtuOutcome.NOT_OURS : PathMtuOutcome.TRUNCATED);
            }
            return quotedPayload(IpFamily.IPV6, quote, q.sourceOffset(), quote, q.destinationOffset(),
                    q.upperLayerProtocol(), false, -1, -1, quote, q.upperLayerOffset(), q.upperLayerLength(), mtu,
                    now, r);
        }
        return finishReport(r, PathMtuOutcome.MALFORMED);
    }

    /**
     * @param srcOff        where our (the quote's source) address is, or -1 if unknown
     * @param udpHeaderGone for UDP: true if {@code p} starts after the UDP header and the ports are given
     */
    private PathMtuResult quotedPayload(IpFamily family, byte[] srcBuf, int srcOff, byte[] dstBuf, int dstOff,
                                        int protocol, boolean udpHeaderGone, int localPort, int remotePort, byte[] p,
                                        int pOff, int pLen, int mtu, long now, PathMtuResult r) {
        switch (protocol) {
            case IpProtocol.ESP, IpProtocol.AH -> {
                int spiOff = protocol == IpProtocol.ESP ? pOff : pOff + 4;
                if (pLen < spiOff - pOff + 4) {
                    return finishReport(r, PathMtuOutcome.TRUNCATED);
                }
                return childSaReport(family, srcBuf, srcOff, dstBuf, dstOff, protocol, IpAddress.readIpv4(p, spiOff),
                        false, 0, 0, mtu, now, r);
            }
            case IpProtocol.UDP -> {
                if (!udpHeaderGone) {
                    if (pLen < UdpDatagram.HEADER_LENGTH) {
                        return finishReport(r, PathMtuOutcome.TRUNCATED);
                    }
                    localPort = (p[pOff] & 0xFF) << 8 | (p[pOff + 1] & 0xFF);
                    remotePort = (p[pOff + 2] & 0xFF) << 8 | (p[pOff + 3] & 0xFF);
                    pOff += UdpDatagram.HEADER_LENGTH;
                    pLen -= UdpDatagram.HEADER_LENGTH;
                }
                if (localPort == IKE_PORT || remotePort == IKE_PORT) {
                    return ikeReport(family, srcBuf, srcOff, dstBuf, dstOff, p, pOff, pLen, mtu, now, r);
                }
                if (pLen < 4) {
                    return finishReport(r, PathMtuOutcome.TRUNCATED);
                }
                int spi = IpAddress.readIpv4(p, pOff);
                if (spi == 0) { // RFC 3948 §2.2: the non-ESP marker, IKE follows
                    return ikeReport(family, srcBuf, srcOff, dstBuf, dstOff, p, pOff + 4, pLen - 4, mtu, now, r);
                }
                return childSaReport(family, srcBuf, srcOff, dstBuf, dstOff, IpProtocol.ESP, spi, true, localPort,
                        remotePort, mtu, now, r);
            }
            default -> {
                return finishReport(r, PathMtuOutcome.NOT_OURS);
            }
        }
    }

    private PathMtuResult childSaReport(IpFamily family, byte[] srcBuf, int srcOff, byte[] dstBuf, int dstOff,
                                        int protocol, int spi, boolean udp, int localPort, int remotePort, int mtu,
                                        long now, PathMtuResult r) {
        SecurityProtocol wanted = protocol == IpProtocol.AH ? SecurityProtocol.AH : SecurityProtocol.ESP;
        boolean spiKnown = false;
        List<SecurityAssociation> sas = sad.list();
        for (int i = 0; i < sas.size(); i++) {
            SecurityAssociation sa = sas.get(i);
            if (sa.flow() != SecurityAssociation.Flow.OUTBOUND || sa.spi() != spi || sa.protocol() != wanted
                    || !sa.isUsable()) {
                continue;
            }
            spiKnown = true;
            if (!onPath(sa, family, srcBuf, srcOff, dstBuf, dstOff)) {
                continue;
            }
            UdpEncapsulation encap = sa.udpEncapsulation();
            if (udp != (encap != null) || udp && (encap.localPort() != localPort || encap.remotePort() != remotePort)) {
                continue;
            }
            PathMtuOutcome outcome = sa.pathMtu().report(mtu, now);
            r.sa = sa;
            r.pathMtu = sa.pathMtu().current(now);
            r.updated = outcome == PathMtuOutcome.UPDATED ? 1 : 0;
            return finishReport(r, outcome);
        }
        return finishReport(r, spiKnown ? PathMtuOutcome.ADDRESS_MISMATCH : PathMtuOutcome.NO_SA);
    }

    private PathMtuResult ikeReport(IpFamily family, byte[] srcBuf, int srcOff, byte[] dstBuf, int dstOff, byte[] p,
                                    int pOff, int pLen, int mtu, long now, PathMtuResult r) {
        r.ike = true;
        if (pLen < 16) {
            return finishReport(r, PathMtuOutcome.TRUNCATED);
        }
        long initiatorSpi = readLong(p, pOff);
        long responderSpi = readLong(p, pOff + 8);
        if (!ikeSaCheck.isLive(initiatorSpi, responderSpi)) {
            return finishReport(r, PathMtuOutcome.NO_SA);
        }
        // An IKE SA and its Child SAs share the path between the two addresses (ports aside).
        PathMtuOutcome first = null;
        List<SecurityAssociation> sas = sad.list();
        for (int i = 0; i < sas.size(); i++) {
            SecurityAssociation sa = sas.get(i);
            if (sa.flow() != SecurityAssociation.Flow.OUTBOUND || !sa.isUsable()
                    || !onPath(sa, family, srcBuf, srcOff, dstBuf, dstOff)) {
                continue;
            }
            PathMtuOutcome outcome = sa.pathMtu().report(mtu, now);
            if (r.sa == null || outcome == PathMtuOutcome.UPDATED && r.updated == 0) {
                r.sa = sa;
                r.pathMtu = sa.pathMtu().current(now);
            }
            if (outcome == PathMtuOutcome.UPDATED) {
                r.updated++;
            }
            if (first == null) {
                first = outcome;
            }
        }
        if (first == null) {
            return finishReport(r, mtu < (family == IpFamily.IPV4 ? PathMtu.MIN_IPV4 : PathMtu.MIN_IPV6)
                    ? PathMtuOutcome.BELOW_MINIMUM : PathMtuOutcome.NOT_LOWER); // no Child SA takes it
        }
        return finishReport(r, r.updated > 0 ? PathMtuOutcome.UPDATED : first);
    }

    private static boolean onPath(SecurityAssociation sa, IpFamily family, byte[] srcBuf, int srcOff, byte[] dstBuf,
                                  int dstOff) {
        return sa.localAddress().family() == family && sa.remoteAddress().equalsBytes(dstBuf, dstOff)
                && (srcOff < 0 || sa.localAddress().equalsBytes(srcBuf, srcOff));
    }

    private static long readLong(byte[] b, int off) {
        return (long) IpAddress.readIpv4(b, off) << 32 | IpAddress.readIpv4(b, off + 4) & 0xFFFFFFFFL;
    }

    private PathMtuResult finishReport(PathMtuResult r, PathMtuOutcome outcome) {
        r.outcome = outcome;
        counters.pathMtuReports[outcome.ordinal()]++;
        return r;
    }

    // =====================================================================================================
    // Inbound
    // =====================================================================================================

    /**
     * Processes the payload of a UDP datagram received on a NAT-traversal port (4500) or the IKE port (500):
     * IKE, NAT keepalive or ESP, told apart as RFC 3948 §2.2–2.3 says. Transport mode needs
     * {@link #HEADROOM} bytes free before {@code off} to put an IP header back.
     */
    public InboundResult processInboundUdp(byte[] buf, int off, int len, InboundMetadata meta, long nowNanos,
                                           InboundResult r) {
        r.reset(buf);
        setContext(meta, true);
        return demultiplexUdp(buf, off, len, meta.destinationPort(), nowNanos, r);
    }

    /**
     * Processes an ESP (protocol 50) or AH (51) packet received from a raw socket without its IP header, as
     * IPv6 raw sockets deliver it. AH covers the IP header, so one is rebuilt in the {@link #HEADROOM} from the
     * metadata; that works for IPv6 without extension headers before the AH (their bytes are gone). IPv4 raw
     * sockets deliver the header: hand their packets to {@link #processInboundPacket}.
     */
    public InboundResult processInboundRaw(byte[] buf, int off, int len, int protocol, InboundMetadata meta,
                                           long nowNanos, InboundResult r) {
        r.reset(buf);
        setContext(meta, false);
        if (protocol == IpProtocol.ESP) {
            return inboundEsp(buf, off, len, nowNanos, r);
        }
        if (protocol == IpProtocol.AH) {
            return inboundRawAh(buf, off, len, nowNanos, r);
        }
        return dropInbound(r, DropReason.NOT_IPSEC, null);
    }

    /**
     * Processes a whole received IP packet carrying ESP, AH or ESP in UDP (an IPv4 raw socket, a capture, a
     * simulated link). Outer fragments must have been reassembled.
     */
    public InboundResult processInboundPacket(byte[] buf, int off, int len, long nowNanos, InboundResult r) {
        r.reset(buf);
        try {
            int version = len > 0 ? (buf[off] & 0xFF) >>> 4 : 0;
            int protocol;
            int payloadOff;
            int payloadLen;
            if (version == 4) {
                Ipv4Packet ip = outerIpv4.wrap(buf, off, len);
                if (ip.isFragment()) {
                    return dropInbound(r, DropReason.OUTER_FRAGMENT, null);
                }
                inFamily = IpFamily.IPV4;
                inSourceOffset = ip.sourceOffset();
                inDestinationOffset = ip.destinationOffset();
                inTrafficClass = ip.typeOfService();
                inNextHeaderField = off + 9;
                protocol = ip.protocol();
                payloadOff = ip.payloadOffset();
                payloadLen = ip.payloadLength();
            } else if (version == 6) {
                Ipv6Packet ip = outerIpv6.wrap(buf, off, len);
                if (ip.isFragment()) {
                    return dropInbound(r, DropReason.OUTER_FRAGMENT, null);
                }
                inFamily = IpFamily.IPV6;
                inSourceOffset = ip.sourceOffset();
                inDestinationOffset = ip.destinationOffset();
                inTrafficClass = ip.trafficClass();
                protocol = ip.upperLayerProtocol();
                payloadOff = ip.upperLayerOffset();
                payloadLen = ip.upperLayerLength();
                if (protocol < 0) {
                    return dropInbound(r, DropReason.MALFORMED, null);
                }
                inNextHeaderField = nextHeaderField.fieldNaming(ip, payloadOff);
                if (nextHeaderField.sawAuthenticationHeader()) {
                    inAddresses = buf;
                    inHeaderOffset = off;
                    inUdp = false;
                    return inboundAh(buf, off, ip.totalLength(), nowNanos, r);
                }
            } else {
                return dropInbound(r, DropReason.MALFORMED, null);
            }
            inAddresses = buf;
            inHeaderOffset = off;
            inHeaderEnd = payloadOff;
            switch (protocol) {
                case IpProtocol.ESP -> {
                    inUdp = false;
                    return inboundEsp(buf, payloadOff, payloadLen, nowNanos, r);
                }
                case IpProtocol.UDP -> {
                    UdpDatagram u = udp.wrap(buf, payloadOff, payloadLen);
                    int port = u.destinationPort();
                    if (port != IKE_PORT && !isNatTraversalPort(port)) {
                        return dropInbound(r, DropReason.NOT_IPSEC, null);
                    }
                    inUdp = true;
                    inSourcePort = u.sourcePort();
                    return demultiplexUdp(buf, u.payloadOffset(), u.payloadLength(), port, nowNanos, r);
                }
                case IpProtocol.AH -> {
                    inUdp = false;
                    return inboundAh(buf, off, payloadOff + payloadLen - off, nowNanos, r);
                }
                default -> {
                    return dropInbound(r, DropReason.NOT_IPSEC, null);
                }
            }
        } catch (MalformedPacketException e) {
            return dropInbound(r, DropReason.MALFORMED, null);
        }
    }

    private boolean isNatTraversalPort(int port) {
        for (int p : natTraversalPorts) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    private void setContext(InboundMetadata meta, boolean udpEncapsulated) {
        inFamily = meta.family();
        inAddresses = meta.addresses();
        inSourceOffset = 0;
        inSourcePort = udpEncapsulated ? meta.sourcePort() : 0;
        inDestinationOffset = meta.destinationKnown() ? 16 : -1;
        inTrafficClass = meta.trafficClass();
        inHeaderOffset = -1;
        inHeaderEnd = -1;
        inNextHeaderField = -1;
        inUdp = udpEncapsulated;
    }

    /** RFC 3948 §2.2–2.3: on port 4500 a zero SPI field is the non-ESP marker of IKE, a lone 0xFF a keepalive. */
    private InboundResult demultiplexUdp(byte[] buf, int off, int len, int localPort, long now, InboundResult r) {
        if (localPort == IKE_PORT) {
            return ike(r, off, len);
        }
        if (len == 1 && buf[off] == NAT_KEEPALIVE) {
            counters.keepalivesReceived++;
            r.action = InboundResult.Action.KEEPALIVE;
            r.offset = off;
            r.length = 1;
            return r;
        }
        if (len >= 4 && buf[off] == 0 && buf[off + 1] == 0 && buf[off + 2] == 0 && buf[off + 3] == 0) {
            return ike(r, off + 4, len - 4);
        }
        return inboundEsp(buf, off, len, now, r);
    }

    private InboundResult ike(InboundResult r, int off, int len) {
        counters.ikeMessages++;
        r.action = InboundResult.Action.IKE;
        r.offset = off;
        r.length = len;
        return r;
    }

    private InboundResult dropInbound(InboundResult r, DropReason reason, SecurityAssociation sa) {
        r.action = InboundResult.Action.DROP;
        r.dropReason = reason;
        r.sa = sa;
        counters.inbound.recordDrop(reason);
        if (sa != null) {
            sa.counters().recordDrop(reason);
        }
        return r;
    }

    private InboundResult inboundEsp(byte[] buf, int espOff, int espLen, long now, InboundResult r) {
        if (espLen < 8) {
            return dropInbound(r, DropReason.TRUNCATED, null);
        }
        int spi = IpAddress.readIpv4(buf, espOff); // the SPI: four bytes big-endian, like an IPv4 address
        SecurityAssociation sa = sad.lookupInbound(spi, SecurityProtocol.ESP, inFamily,
                inDestinationOffset >= 0 ? inAddresses : null, inDestinationOffset);
        if (sa == null) {
            return dropInbound(r, DropReason.NO_SA, null);
        }
        if (!sad.checkUsable(sa, now)) {
            return dropInbound(r, DropReason.HARD_EXPIRED, sa);
        }
        if ((sa.udpEncapsulation() != null) != inUdp) {
            return dropInbound(r, DropReason.ENCAPSULATION_MISMATCH, sa);
        }
        ReplayWindow window = sa.replayWindow();
        long seq = window.check(IpAddress.readIpv4(buf, espOff + 4));
        if (seq == ReplayWindow.REPLAYED) {
            return dropInbound(r, DropReason.REPLAYED, sa);
        }
        if (seq == ReplayWindow.TOO_OLD) {
            return dropInbound(r, DropReason.OUTSIDE_WINDOW, sa);
        }
        DecapsulationResult result = sa.espCodec().decapsulate(seq, buf, espOff, espLen, decapsulated);
        DropReason reason = switch (result) {
            case DELIVER, DUMMY -> null;
            case TRUNCATED -> DropReason.TRUNCATED;
            case BAD_LENGTH -> DropReason.BAD_LENGTH;
            case SPI_MISMATCH -> DropReason.MALFORMED;
            case AUTHENTICATION_FAILED -> DropReason.AUTHENTICATION_FAILED;
            case BAD_PADDING -> DropReason.BAD_PADDING;
        };
        if (reason != null) {
            return dropInbound(r, reason, sa);
        }
        // RFC 4303 §3.4.3: the window moves only for packets whose ICV verified.
        if (!window.accept(decapsulated.sequenceNumber())) {
            return dropInbound(r, DropReason.REPLAYED, sa);
        }
        if (inUdp && peerMoveListener != null) {
            noticePeerMove(sa, now); // verified and new: a replay or a forgery cannot move the peer
        }
        if (result == DecapsulationResult.DUMMY) {
            return dropInbound(r, DropReason.DUMMY, sa); // RFC 4303 §2.6: discarded silently
        }
        int payloadOff = decapsulated.payloadOffset();
        int payloadLen = decapsulated.payloadLength();
        r.sa = sa;
        return sa.mode() == IpsecMode.TUNNEL
                ? deliverTunnel(buf, payloadOff, payloadLen, decapsulated.nextHeader(), sa, now, r)
                : deliverTransport(buf, payloadOff, payloadLen, decapsulated.nextHeader(), sa, now, r);
    }

    /** Reports the packet's outer source if it is not the SA's peer (a NAT's new mapping), at most once a second. */
    private void noticePeerMove(SecurityAssociation sa, long now) {
        UdpEncapsulation encap = sa.udpEncapsulation();
        if (encap == null || inSourcePort == 0) {
            return;
        }
        IpAddress peer = sa.remoteAddress();
        if (peer.family() == inFamily && peer.equalsBytes(inAddresses, inSourceOffset)
                && encap.remotePort() == inSourcePort) {
            return;
        }
        if (sa.peerMoveReportDue(now)) {
            counters.peerMovesReported++;
            peerMoveListener.peerMoved(sa, IpAddress.read(inFamily, inAddresses, inSourceOffset), inSourcePort);
        }
    }

    /** An AH packet without its IP header (IPv6 raw socket): rebuild the header the ICV covers, then verify. */
    private InboundResult inboundRawAh(byte[] buf, int off, int len, long now, InboundResult r) {
        if (inFamily != IpFamily.IPV6) {
            return dropInbound(r, DropReason.UNSUPPORTED, null);
        }
        if (len < AhCodec.FIXED_LENGTH) {
            return dropInbound(r, DropReason.TRUNCATED, null);
        }
        int packetOff = off - Ipv6Packet.HEADER_LENGTH;
        checkRoom(buf, packetOff, 0);
        System.arraycopy(inAddresses, inSourceOffset, buf, packetOff + 8, 16);
        if (inDestinationOffset >= 0) {
            System.arraycopy(inAddresses, inDestinationOffset, buf, packetOff + 24, 16);
        } else {
            // No IPV6_PKTINFO: take the destination from the SA the SPI names.
            SecurityAssociation sa = sad.lookupInbound(IpAddress.readIpv4(buf, off + 4), SecurityProtocol.AH);
            if (sa == null) {
                return dropInbound(r, DropReason.NO_SA, null);
            }
            sa.localAddress().writeTo(buf, packetOff + 24);
        }
        // Traffic class, flow label and hop limit are mutable: the ICV does not cover them.
        Ipv6Packet.writeHeader(buf, packetOff, Math.max(inTrafficClass, 0), 0, len, IpProtocol.AH, outerHopLimit,
                buf, packetOff + 8, buf, packetOff + 24);
        inAddresses = buf;
        inSourceOffset = packetOff + 8;
        inDestinationOffset = packetOff + 24;
        inHeaderOffset = packetOff;
        return inboundAh(buf, packetOff, Ipv6Packet.HEADER_LENGTH + len, now, r);
    }

    /** AH (RFC 4302 §3.4): the whole IP packet at {@code buf[off .. off+len)} carries an AH. */
    private InboundResult inboundAh(byte[] buf, int off, int len, long now, InboundResult r) {
        int ahOff = AhCodec.findHeader(buf, off, len);
        if (ahOff < 0) {
            return dropInbound(r, DropReason.TRUNCATED, null);
        }
        SecurityAssociation sa = sad.lookupInbound(AhCodec.spiAt(buf, ahOff), SecurityProtocol.AH, inFamily,
                inDestinationOffset >= 0 ? inAddresses : null, inDestinationOffset);
        if (sa == null) {
            return dropInbound(r, DropReason.NO_SA, null);
        }
        if (!sad.checkUsable(sa, now)) {
            return dropInbound(r, DropReason.HARD_EXPIRED, sa);
        }
        ReplayWindow window = sa.replayWindow();
        long seq = window.check(AhCodec.sequenceLowAt(buf, ahOff));
        if (seq == ReplayWindow.REPLAYED) {
            return dropInbound(r, DropReason.REPLAYED, sa);
        }
        if (seq == ReplayWindow.TOO_OLD) {
            return dropInbound(r, DropReason.OUTSIDE_WINDOW, sa);
        }
        AhVerification verification = sa.ahCodec().verify(seq, buf, off, len, ahVerified);
        DropReason reason = switch (verification) {
            case VERIFIED -> null;
            case MALFORMED, SPI_MISMATCH -> DropReason.MALFORMED;
            case NOT_AH -> DropReason.NOT_IPSEC;
            case FRAGMENT -> DropReason.OUTER_FRAGMENT;
            case TRUNCATED -> DropReason.TRUNCATED;
            case BAD_LENGTH -> DropReason.BAD_LENGTH;
            case UNPREDICTABLE_ROUTING_HEADER -> DropReason.UNSUPPORTED;
            case AUTHENTICATION_FAILED -> DropReason.AUTHENTICATION_FAILED;
        };
        if (reason != null) {
            return dropInbound(r, reason, sa);
        }
        if (!window.accept(ahVerified.sequenceNumber())) {
            return dropInbound(r, DropReason.REPLAYED, sa);
        }
        r.sa = sa;
        if (sa.mode() == IpsecMode.TUNNEL) {
            return deliverTunnel(buf, ahVerified.payloadOffset(), ahVerified.payloadLength(), ahVerified.nextHeader(), sa,
                    now, r);
        }
        int packetOff = sa.ahCodec().decapsulateTransport(buf, ahVerified);
        int total = ahVerified.packetLength() - ahVerified.ahLength();
        sad.account(sa, total, now);
        try {
            classifier.classify(buf, packetOff, total, false, selector);
        } catch (MalformedPacketException e) {
            return dropInbound(r, DropReason.MALFORMED, sa);
        }
        return checkInboundPolicy(buf, sa, packetOff, total, r);
    }

    /**
     * Tunnel mode: the payload is the inner packet (TFC padding after it is ignored, RFC 4303 §2.7). The SA
     * counts the inner packet's bytes, as outbound does.
     */
    private InboundResult deliverTunnel(byte[] buf, int off, int len, int nextHeader, SecurityAssociation sa, long now,
                                        InboundResult r) {
        IpFamily family;
        try {
            family = classifier.classify(buf, off, len, false, selector);
        } catch (MalformedPacketException e) {
            sad.account(sa, len, now);
            return dropInbound(r, DropReason.MALFORMED, sa);
        }
        sad.account(sa, family == IpFamily.IPV4 ? classifier.ipv4().totalLength() : classifier.ipv6().totalLength(),
                now);
        if (nextHeader != family.ipInIpProtocol()) {
            return dropInbound(r, DropReason.MALFORMED, sa);
        }
        int innerLength;
        if (family == IpFamily.IPV4) {
            Ipv4Packet ip = classifier.ipv4();
            innerLength = ip.totalLength();
            if (inTrafficClass >= 0) {
                int ecn = EcnPropagation.decapsulate(ip.ecn(), inTrafficClass);
                if (ecn == EcnPropagation.DROP) {
                    return dropInbound(r, DropReason.ECN_CONGESTION_ON_NOT_ECT, sa);
                }
                if (ecn != ip.ecn()) {
                    ip.setEcn(ecn).updateHeaderChecksum();
                }
            }
        } else {
            Ipv6Packet ip = classifier.ipv6();
            innerLength = ip.totalLength();
            if (inTrafficClass >= 0) {
                int ecn = EcnPropagation.decapsulate(ip.ecn(), inTrafficClass);
                if (ecn == EcnPropagation.DROP) {
                    return dropInbound(r, DropReason.ECN_CONGESTION_ON_NOT_ECT, sa);
                }
                if (ecn != ip.ecn()) {
                    ip.setEcn(ecn);
                }
            }
        }
        return checkInboundPolicy(buf, sa, off, innerLength, r);
    }

    /**
     * Transport mode: put the IP header back in front of the decrypted payload, with the payload's protocol
     * and length: the received header (IPv6: everything before ESP) if there was one, else a header made from
     * the socket's addresses. The SA counts the bytes of that packet, header included, as outbound does.
     */
    private InboundResult deliverTransport(byte[] buf, int payloadOff, int payloadLen, int nextHeader,
                                           SecurityAssociation sa, long now, InboundResult r) {
        int packetOff;
        int total;
        IpFamily family = inFamily;
        try {
            if (inHeaderOffset >= 0) {
                int headerLength = inHeaderEnd - inHeaderOffset;
                packetOff = payloadOff - headerLength;
                total = headerLength + payloadLen;
                int fieldOff = inNextHeaderField - inHeaderOffset;
                System.arraycopy(buf, inHeaderOffset, buf, packetOff, headerLength);
                buf[packetOff + fieldOff] = (byte) nextHeader;
                if (family == IpFamily.IPV4) {
                    outerIpv4.wrapQuoted(buf, packetOff, total).setTotalLength(total).updateHeaderChecksum();
                } else {
                    outerIpv6.wrapQuoted(buf, packetOff, total).setPayloadLength(total - Ipv6Packet.HEADER_LENGTH);
                }
            } else {
                int headerLength = family == IpFamily.IPV4 ? Ipv4Packet.MIN_HEADER_LENGTH : Ipv6Packet.HEADER_LENGTH;
                packetOff = payloadOff - headerLength;
                checkRoom(buf, packetOff, 0);
                total = headerLength + payloadLen;
                int tos = Math.max(inTrafficClass, 0);
                if (family == IpFamily.IPV4) {
                    int src = IpAddress.readIpv4(inAddresses, inSourceOffset);
                    int dst = inDestinationOffset >= 0 ? IpAddress.readIpv4(inAddresses, inDestinationOffset)
                            : sa.localAddress().ipv4Value();
                    Ipv4Packet.writeHeader(buf, packetOff, tos, total, 0, false, outerHopLimit, nextHeader, src, dst);
                } else {
                    System.arraycopy(inAddresses, inSourceOffset, buf, packetOff + 8, 16);
                    if (inDestinationOffset >= 0) {
                        System.arraycopy(inAddresses, inDestinationOffset, buf, packetOff + 24, 16);
                    } else {
                        sa.localAddress().writeTo(buf, packetOff + 24);
                    }
                    Ipv6Packet.writeHeader(buf, packetOff, tos, 0, payloadLen, nextHeader, outerHopLimit,
                            buf, packetOff + 8, buf, packetOff + 24);
                }
            }
            sad.account(sa, total, now);
            classifier.classify(buf, packetOff, total, false, selector);
            if (sa.udpEncapsulation() != null) {
                fixTransportChecksum(family, nextHeader);
            }
        } catch (MalformedPacketException e) {
            return dropInbound(r, DropReason.MALFORMED, sa);
        }
        return checkInboundPolicy(buf, sa, packetOff, total, r);
    }

    /**
     * RFC 3948 §3.1.2: a NAT between the peers changed the addresses the TCP or UDP checksum covers; the
     * payload's integrity is already proven by ESP, so the checksum is recomputed over the addresses the
     * packet now carries (a zero UDP checksum over IPv4 stays zero).
     */
    private void fixTransportChecksum(IpFamily family, int protocol) {
        if (protocol == IpProtocol.TCP) {
            if (family == IpFamily.IPV4) {
                tcp.wrap(classifier.ipv4()).updateChecksum(classifier.ipv4());
            } else {
                tcp.wrap(classifier.ipv6()).updateChecksum(classifier.ipv6());
            }
        } else if (protocol == IpProtocol.UDP) {
            if (family == IpFamily.IPV4) {
                UdpDatagram u = udp.wrap(classifier.ipv4());
                if (u.checksum() != 0) {
                    u.updateChecksum(classifier.ipv4());
                }
            } else {
                udp.wrap(classifier.ipv6()).updateChecksum(classifier.ipv6());
            }
        }
    }

    /**
     * RFC 4301 §5.2 step 4: the decapsulated packet must be one the SA's policy selects. The first inbound
     * policy matching the packet (forward policies if no inbound one does; built-in bypasses do not count)
     * must be PROTECT with a template this SA satisfies.
     */
    private InboundResult checkInboundPolicy(byte[] buf, SecurityAssociation sa, int off, int len, InboundResult r) {
        SecurityPolicy policy = spd.lookupConfigured(Direction.IN, selector);
        if (policy == null) {
            policy = spd.lookupConfigured(Direction.FWD, selector);
        }
        IpsecTemplate template = policy == null ? null : policy.template();
        if (template == null || !template.accepts(sa)) {
            return dropInbound(r, DropReason.SELECTOR_MISMATCH, sa);
        }
        policy.recordHit();
        if (mssClamping && selector.protocol() == IpProtocol.TCP) {
            IpFamily family = classifier.lastFamily();
            if (!(family == IpFamily.IPV4 ? classifier.ipv4().isFragment() : classifier.ipv6().isFragment())) {
                clampSyn(buf, family, sa); // what our host may send back fits our outbound path (shared PathMtu)
            }
        }
        counters.inbound.recordPacket(len);
        r.action = InboundResult.Action.DELIVER;
        r.offset = off;
        r.length = len;
        r.sa = sa;
        r.policy = policy;
        return r;
    }

    /**
     * Finds the Next Header field that names the header at a given offset of an IPv6 chain (byte 6 of the
     * fixed header or the first byte of the extension header before it), noting whether AH was stepped over.
     */
    private static final class NextHeaderFieldLocator implements Ipv6Packet.ExtensionHeaderVisitor {
        private int target;
        private int found;
        private boolean authenticationHeader;

        int fieldNaming(Ipv6Packet ip, int headerOffset) {
            target = headerOffset;
            found = ip.offset() + 6;
            authenticationHeader = false;
            ip.extensionHeaders(this);
            return found;
        }

        boolean sawAuthenticationHeader() {
            return authenticationHeader;
        }

        @Override
        public boolean header(int type, int offset, int length) {
            if (offset >= target) {
                return false;
            }
            if (type == IpProtocol.AH) {
                authenticationHeader = true;
            }
            found = offset;
            return true;
        }
    }
}
