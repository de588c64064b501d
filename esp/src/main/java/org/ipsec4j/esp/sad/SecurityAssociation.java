package org.ipsec4j.esp.sad;

import java.time.Duration;
import java.util.Objects;

import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.replay.ReplayWindow;
import org.ipsec4j.esp.replay.SequenceCounter;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.esp.stats.TrafficCounters;

/**
 * One SAD entry (RFC 4301 §4.4.2.1): a one-way SA with its SPI, protocol, mode, outer endpoints, transform
 * and codec, anti-replay window (inbound) or sequence counter (outbound), optional UDP encapsulation,
 * lifetimes, state and counters.
 *
 * <p>The identity and the keys never change; sequence numbers, the window, counters and the state are
 * updated by the data plane's thread. Build one with {@link #esp} or {@link #ah}; install it with
 * {@link SecurityAssociationDatabase#install}.
 */
public final class SecurityAssociation {

    /** Which way the SA carries traffic. */
    public enum Flow {
        INBOUND,
        OUTBOUND
    }

    public enum State {
        ACTIVE,
        /** A soft limit was reached: still usable, IKE should be rekeying. */
        SOFT_EXPIRED,
        /** A hard limit was reached: unusable, removed from the SAD, keys zeroed. */
        HARD_EXPIRED
    }

    private final int spi;
    private final SecurityProtocol protocol;
    private final IpsecMode mode;
    private final Flow flow;
    private final IpAddress localAddress;
    /** Volatile: IKE moves the peer when its NAT mapping changes (RFC 7296 §2.23) while packets flow. */
    private volatile IpAddress remoteAddress;
    private volatile UdpEncapsulation udpEncapsulation;
    private final boolean extendedSequenceNumbers;
    private final int reqid;
    private final EspTransform espTransform;
    private final EspCodec espCodec;
    private final IntegrityAlgorithm ahIntegrity;
    private final AhCodec ahCodec;
    private final ReplayWindow replayWindow;
    private final SequenceCounter sequenceCounter;
    private final LifetimeLimits limits;
    private final long keepaliveIntervalNanos;
    private final TrafficCounters counters = new TrafficCounters();
    private final DontFragmentPolicy dontFragment;
    private final boolean prefragment;
    private final PathMtu pathMtu;

    // Set when installed.
    long addedAtNanos;
    long softDeadlineNanos = Long.MAX_VALUE;
    long hardDeadlineNanos = Long.MAX_VALUE;
    State state = State.ACTIVE;
    boolean installed;
    long lastSentNanos;
    /** When the data plane last reported ESP from a new NAT mapping of the peer; data plane's inbound thread only. */
    private long peerMoveReportedNanos;
    private boolean peerMoveReported;

    private SecurityAssociation(Builder b) {
        this.spi = b.spi;
        this.protocol = b.protocol;
        this.mode = b.mode;
        this.flow = b.flow;
        this.localAddress = Objects.requireNonNull(b.localAddress, "endpoints");
        this.remoteAddress = Objects.requireNonNull(b.remoteAddress, "endpoints");
        if (localAddress.family() != remoteAddress.family()) {
            throw new IllegalArgumentException("SA endpoints of different families: " + localAddress + " - " + remoteAddress);
        }
        this.udpEncapsulation = b.udpEncapsulation;
        this.extendedSequenceNumbers = b.extendedSequenceNumbers;
        this.reqid = b.reqid;
        this.limits = b.limits;
        this.keepaliveIntervalNanos = b.keepaliveIntervalNanos;
        this.dontFragment = b.dontFragment;
        this.prefragment = b.prefragment;
        if (b.pathMtu != null && b.pathMtu.family() != localAddress.family()) {
            throw new IllegalArgumentException("a shared path MTU of another family than the SA's endpoints");
        }
        this.pathMtu = b.pathMtu != null ? b.pathMtu : new PathMtu(localAddress.family());
        if (protocol == SecurityProtocol.ESP) {
            this.espTransform = b.espTransform;
            this.espCodec = new EspCodec(b.espTransform, spi, extendedSequenceNumbers, b.encryptionKey, b.integrityKey);
            this.ahIntegrity = null;
            this.ahCodec = null;
        } else {
            if (udpEncapsulation != null) {
                // RFC 3948 encapsulates ESP only: AH protects the very addresses a NAT rewrites.
                throw new IllegalArgumentException("AH cannot be UDP-encapsulated");
            }
            this.espTransform = null;
            this.espCodec = null;
            this.ahIntegrity = b.ahIntegrity;
            this.ahCodec = new AhCodec(b.ahIntegrity, spi, extendedSequenceNumbers, b.integrityKey, b.allowLegacy);
        }
        this.replayWindow = flow == Flow.INBOUND ? new ReplayWindow(b.replayWindowSize, extendedSequenceNumbers) : null;
        this.sequenceCounter = flow == Flow.OUTBOUND ? new SequenceCounter(extendedSequenceNumbers, b.initialSequence) : null;
    }

    /**
     * Starts an ESP SA.
     *
     * @param encryptionKey key (|| salt for AEAD), as {@link EspCodec} takes it; copied by the codec
     * @param integrityKey  HMAC key, or null/empty for AEAD; copied by the codec
     */
    public static Builder esp(Flow flow, int spi, EspTransform transform, byte[] encryptionKey, byte[] integrityKey) {
        return new Builder(flow, spi, SecurityProtocol.ESP, Objects.requireNonNull(transform, "transform"), null,
                encryptionKey, integrityKey, false);
    }

    /**
     * Starts an AH SA (RFC 4302).
     *
     * @param key         the HMAC key; copied by the codec
     * @param allowLegacy whether HMAC-MD5-96 may be used
     */
    public static Builder ah(Flow flow, int spi, IntegrityAlgorithm integrity, byte[] key, boolean allowLegacy) {
        return new Builder(flow, spi, SecurityProtocol.AH, null, Objects.requireNonNull(integrity, "integrity"), null,
                key, allowLegacy);
    }

    public int spi() {
        return spi;
    }

    public SecurityProtocol protocol() {
        return protocol;
    }

    public IpsecMode mode() {
        return mode;
    }

    public Flow flow() {
        return flow;
    }

    /** Our outer address: the tunnel endpoint, or in transport mode this host's address. */
    public IpAddress localAddress() {
        return localAddress;
    }

    /** The peer's outer address (after NAT, as IKE saw it). */
    public IpAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Follows the peer to a new address or port (its NAT mapping changed, RFC 7296 §2.23; RFC 3948 §3.1). Keys,
     * sequence numbers and the replay window stay as they are. The family cannot change.
     */
    public void movePeer(IpAddress remote, UdpEncapsulation encapsulation) {
        Objects.requireNonNull(remote, "remote");
        if (remote.family() != localAddress.family()) {
            throw new IllegalArgumentException("cannot move an SA from " + localAddress.family() + " to " + remote.family());
        }
        if (encapsulation == null && udpEncapsulation != null || encapsulation != null && protocol != SecurityProtocol.ESP) {
            throw new IllegalArgumentException("UDP encapsulation can change ports, not appear or vanish");
        }
        this.udpEncapsulation = encapsulation;
        this.remoteAddress = remote;
    }

    /** At most one report a second that this SA's peer moved, while IKE catches up (or declines to follow). */
    public static final long PEER_MOVE_REPORT_INTERVAL_NANOS = 1_000_000_000L;

    /** Whether a report that the peer moved is due now (and if so, takes it); for the inbound thread. */
    public boolean peerMoveReportDue(long nowNanos) {
        if (peerMoveReported && nowNanos - peerMoveReportedNanos < PEER_MOVE_REPORT_INTERVAL_NANOS) {
            return false;
        }
        peerMoveReported = true;
        peerMoveReportedNanos = nowNanos;
        return true;
    }

    /** UDP encapsulation ports, or null for raw ESP/AH. */
    public UdpEncapsulation udpEncapsulation() {
        return udpEncapsulation;
    }

    public boolean extendedSequenceNumbers() {
        return extendedSequenceNumbers;
    }

    public int reqid() {
        return reqid;
    }

    /** The ESP transform; null for AH. */
    public EspTransform espTransform() {
        return espTransform;
    }

    /** The ESP codec; null for AH. */
    public EspCodec espCodec() {
        return espCodec;
    }

    /** The AH integrity algorithm; null for ESP. */
    public IntegrityAlgorithm ahIntegrity() {
        return ahIntegrity;
    }

    /** The AH codec; null for ESP. */
    public AhCodec ahCodec() {
        return ahCodec;
    }

    /** The anti-replay window of an inbound SA; null for outbound. */
    public ReplayWindow replayWindow() {
        return replayWindow;
    }

    /** The sequence counter of an outbound SA; null for inbound. */
    public SequenceCounter sequenceCounter() {
        return sequenceCounter;
    }

    public LifetimeLimits limits() {
        return limits;
    }

    /** NAT keepalive interval (RFC 3948 §4) in nanoseconds, 0 for none. */
    public long keepaliveIntervalNanos() {
        return keepaliveIntervalNanos;
    }

    public TrafficCounters counters() {
        return counters;
    }

    /** The outer DF bit in tunnel mode (RFC 4301 §8.1). */
    public DontFragmentPolicy dontFragment() {
        return dontFragment;
    }

    /**
     * Whether an inner IPv4 packet without DF that would not fit the path MTU once encapsulated is fragmented
     * before encryption (tunnel mode), so the peer never reassembles outer fragments (seed 004, Cisco's
     * {@code crypto ipsec fragmentation before-encryption}); otherwise it goes out whole with outer DF clear.
     */
    public boolean prefragment() {
        return prefragment;
    }

    /** The outer path's MTU (shared with the partner SA where IKE installed the pair). */
    public PathMtu pathMtu() {
        return pathMtu;
    }

    /**
     * The largest inner packet this SA carries in an outer packet of at most {@code outerMtu} bytes, exactly:
     * outer IP header (tunnel mode; in transport mode the packet's own 20- or 40-byte header), UDP header with
     * RFC 3948 encapsulation, then ESP's SPI, sequence number, IV, payload padded to the cipher's block (RFC
     * 4303 §2.4), pad length, next header and ICV ({@link EspTransform#maxPayloadLength}), or the AH (RFC 4302
     * §2). This one computation serves the TUN MTU, the MTU the gateway reports in "fragmentation needed" /
     * "packet too big", prefragmentation and the MSS clamp.
     *
     * @return the inner packet length, or 0 if nothing fits
     */
    public int largestInnerPacket(int outerMtu) {
        int ipHeader = localAddress.family() == IpFamily.IPV4 ? 20 : 40;
        return largestInnerPacket(outerMtu, ipHeader);
    }

    /**
     * As {@link #largestInnerPacket(int)}; in transport mode {@code transportHeaderLength} is the part of the
     * packet that stays in front of ESP or AH (the IPv4 header with options, or IPv6's unfragmentable part).
     */
    public int largestInnerPacket(int outerMtu, int transportHeaderLength) {
        boolean tunnel = mode == IpsecMode.TUNNEL;
        int ipHeader = localAddress.family() == IpFamily.IPV4 ? 20 : 40;
        int headerInFront = tunnel ? ipHeader : transportHeaderLength;
        int inner;
        if (protocol == SecurityProtocol.AH) {
            int ah = AhCodec.headerLength(ahIntegrity, localAddress.family().version());
            inner = tunnel ? outerMtu - ipHeader - ah : outerMtu - ah;
        } else {
            UdpEncapsulation encap = udpEncapsulation;
            int payload = espTransform.maxPayloadLength(outerMtu - headerInFront - (encap != null ? 8 : 0));
            if (payload < 0) {
                return 0;
            }
            inner = tunnel ? payload : payload + headerInFront;
        }
        return Math.max(inner, 0);
    }

    public State state() {
        return state;
    }

    public boolean isUsable() {
        return state != State.HARD_EXPIRED;
    }

    public long addedAtNanos() {
        return addedAtNanos;
    }

    /** When the data plane last sent a packet on this (outbound) SA, for NAT keepalives. */
    public long lastSentNanos() {
        return lastSentNanos;
    }

    public void recordSent(long nowNanos) {
        lastSentNanos = nowNanos;
    }

    /** A one-line description without secrets. */
    public String description() {
        return protocol + " " + flow.name().toLowerCase() + " spi 0x" + Integer.toHexString(spi) + " " + mode.name().toLowerCase()
                + " " + localAddress + (flow == Flow.OUTBOUND ? " -> " : " <- ") + remoteAddress
                + (udpEncapsulation != null ? " udp " + udpEncapsulation.localPort() + "/" + udpEncapsulation.remotePort() : "")
                + " " + (espTransform != null ? espTransform : ahIntegrity) + (extendedSequenceNumbers ? " esn" : "") + (reqid != 0 ? " reqid " + reqid : "")
                + " " + state.name().toLowerCase();
    }

    @Override
    public String toString() {
        return "SA[" + description() + "]";
    }

    /** Zeroes the keys. */
    void destroyKeys() {
        if (espCodec != null) {
            espCodec.destroy();
        }
        if (ahCodec != null) {
            ahCodec.destroy();
        }
    }

    /** Whether the keys were zeroed (the SA was removed or expired). */
    public boolean keysDestroyed() {
        return espCodec != null ? espCodec.isDestroyed() : ahCodec.isDestroyed();
    }

    public static final class Builder {
        private final Flow flow;
        private final int spi;
        private final SecurityProtocol protocol;
        private final EspTransform espTransform;
        private final IntegrityAlgorithm ahIntegrity;
        private final byte[] encryptionKey;
        private final byte[] integrityKey;
        private final boolean allowLegacy;
        private IpsecMode mode = IpsecMode.TUNNEL;
        private IpAddress localAddress;
        private IpAddress remoteAddress;
        private UdpEncapsulation udpEncapsulation;
        private boolean extendedSequenceNumbers;
        private int reqid;
        private int replayWindowSize = 64;
        private long initialSequence;
        private LifetimeLimits limits = LifetimeLimits.UNLIMITED;
        private long keepaliveIntervalNanos;
        private DontFragmentPolicy dontFragment = DontFragmentPolicy.COPY;
        private boolean prefragment = true;
        private PathMtu pathMtu;

        private Builder(Flow flow, int spi, SecurityProtocol protocol, EspTransform transform, IntegrityAlgorithm ahIntegrity,
                        byte[] encryptionKey, byte[] integrityKey, boolean allowLegacy) {
            this.flow = Objects.requireNonNull(flow, "flow");
            this.spi = spi;
            this.protocol = protocol;
            this.espTransform = transform;
            this.ahIntegrity = ahIntegrity;
            this.encryptionKey = encryptionKey;
            this.integrityKey = integrityKey;
            this.allowLegacy = allowLegacy;
        }

        public Builder mode(IpsecMode m) {
            this.mode = Objects.requireNonNull(m);
            return this;
        }

        /** Outer addresses: ours and the peer's (tunnel endpoints, or the two hosts in transport mode). */
        public Builder endpoints(IpAddress local, IpAddress remote) {
            this.localAddress = local;
            this.remoteAddress = remote;
            return this;
        }

        /** ESP in UDP with these ports (RFC 3948); null for none. */
        public Builder udpEncapsulation(UdpEncapsulation ports) {
            this.udpEncapsulation = ports;
            return this;
        }

        public Builder extendedSequenceNumbers(boolean esn) {
            this.extendedSequenceNumbers = esn;
            return this;
        }

        public Builder reqid(int id) {
            this.reqid = id;
            return this;
        }

        /** Anti-replay window in packets (inbound), 0 to switch the check off; 64 by default. */
        public Builder replayWindow(int packets) {
            this.replayWindowSize = packets;
            return this;
        }

        /** The last sequence number already used (outbound), for tests near exhaustion. */
        public Builder initialSequence(long last) {
            this.initialSequence = last;
            return this;
        }

        public Builder lifetime(LifetimeLimits l) {
            this.limits = Objects.requireNonNull(l);
            return this;
        }

        /** Send a NAT keepalive after this long without traffic (RFC 3948 §4; 20 s is usual); null for none. */
        public Builder natKeepalive(Duration interval) {
            this.keepaliveIntervalNanos = interval == null ? 0 : interval.toNanos();
            return this;
        }

        /** The outer DF bit in tunnel mode; {@link DontFragmentPolicy#COPY} by default. */
        public Builder dontFragment(DontFragmentPolicy policy) {
            this.dontFragment = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Fragment too-big inner IPv4 packets without DF before encryption (tunnel mode); on by default. */
        public Builder prefragment(boolean on) {
            this.prefragment = on;
            return this;
        }

        /** Share a path MTU with another SA over the same path (the pair IKE installs); a new one by default. */
        public Builder pathMtu(PathMtu shared) {
            this.pathMtu = shared;
            return this;
        }

        public SecurityAssociation build() {
            return new SecurityAssociation(this);
        }
    }
}
