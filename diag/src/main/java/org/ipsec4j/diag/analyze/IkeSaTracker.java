package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.ipsec4j.ike.sa.NatDetection;

/**
 * The IKE SAs of a capture, keyed by version and initiator SPI (IKEv1: initiator cookie), in a bounded table.
 * Each datagram becomes an {@link IkeMessageSighting} of its SA; IKEv2 NAT detection hashes are recomputed
 * as RFC 7296 §2.23 computes them, with the ike module's {@link NatDetection}.
 */
final class IkeSaTracker {

    private record SaKey(int version, long initiatorSpi) {}

    private final BoundedTable<SaKey, IkeSaRecord> live;
    private final int maxListed;
    private final List<IkeSaRecord> listed = new ArrayList<>();
    private final PeerPairTable peers;
    private final KeySource keys;
    private long saCount;
    private long datagrams;

    IkeSaTracker(int maxLive, int maxListed, PeerPairTable peers, KeySource keys, Consumer<IkeSaRecord> retired) {
        this.live = new BoundedTable<>(maxLive, retired);
        this.maxListed = maxListed;
        this.peers = peers;
        this.keys = keys;
    }

    /**
     * Records an IKE datagram whose message starts at {@code b[off]} with {@code present} bytes there.
     *
     * @return the sighting, or null if the bytes are not an IKE header
     */
    IkeMessageSighting datagram(long packet, long time, ObservationPoint point, TransportEndpoint source,
            TransportEndpoint destination, boolean nonEspMarker, byte[] b, int off, int present,
            boolean ipFragmented) {
        IkeDatagram d = IkeDatagramDecoder.decode(b, off, present);
        if (d == null) {
            return null;
        }
        datagrams++;
        SaKey key = new SaKey(d.majorVersion(), d.initiatorSpi());
        IkeSaRecord sa = live.get(key);
        if (sa == null) {
            sa = new IkeSaRecord(d.majorVersion(), d.initiatorSpi(), peers.get(source.address(), destination.address()),
                    listed.size() < maxListed);
            live.put(key, sa);
            saCount++;
            if (listed.size() < maxListed) {
                listed.add(sa);
            }
        }
        IkeMessageSighting s = new IkeMessageSighting(packet, time, point, source, destination, nonEspMarker, d,
                ipFragmented);
        sa.peers().ikeMessage(source.address(), packet);
        sa.add(s);
        examine(sa, s, b, off, d);
        return s;
    }

    /** The IP fragments of a sighting's datagram all arrived: decode the whole message. */
    void fragmentsComplete(IkeMessageSighting s, byte[] b, int off, int length) {
        IkeDatagram whole = IkeDatagramDecoder.decode(b, off, length);
        s.completeFragments(whole);
        if (whole != null) {
            IkeSaRecord sa = live.get(new SaKey(whole.majorVersion(), whole.initiatorSpi()));
            if (sa != null) {
                examine(sa, s, b, off, whole);
            }
        }
    }

    /** NAT detection, and the key source for a protected message. */
    private void examine(IkeSaRecord sa, IkeMessageSighting s, byte[] b, int off, IkeDatagram d) {
        if (d.v2() && d.exchangeType() == 34 && (!d.natdSource().isEmpty() || d.natdDestination() != null)) {
            checkNatDetection(sa.natDetection(), s, d);
        }
        if (d.v2() && d.protectedMessage() && d.complete() && keys.knowsKeys()) {
            KeySource.OpenedIkeMessage opened = keys.openIke(d, b, off, (int) d.declaredLength());
            s.opened(opened);
            sa.opened(s, opened);
        }
    }

    private static void checkNatDetection(NatDetectionResult r, IkeMessageSighting s, IkeDatagram d) {
        long spiR = d.response() ? d.responderSpi() : 0;
        Boolean sourceMatches = null;
        if (!d.natdSource().isEmpty()) {
            byte[] expected = NatDetection.hash(d.initiatorSpi(), spiR, s.source().address().bytes(),
                    s.source().port());
            sourceMatches = d.natdSource().stream().anyMatch(h -> Arrays.equals(h, expected));
        }
        Boolean destinationMatches = null;
        if (d.natdDestination() != null) {
            byte[] expected = NatDetection.hash(d.initiatorSpi(), spiR, s.destination().address().bytes(),
                    s.destination().port());
            destinationMatches = Arrays.equals(d.natdDestination(), expected);
        }
        if (d.response()) {
            if (r.responsePacket >= 0) {
                return;
            }
            r.responsePacket = s.packet();
            r.responseSourceMatches = sourceMatches;
            r.responseDestinationMatches = destinationMatches;
        } else {
            if (r.requestPacket >= 0) {
                return;
            }
            r.requestPacket = s.packet();
            r.requestSourceMatches = sourceMatches;
            r.requestDestinationMatches = destinationMatches;
        }
        if (r.point == null) {
            r.point = s.point();
        }
    }

    /** The first SAs of the capture, up to the listing cap. */
    List<IkeSaRecord> listed() {
        return Collections.unmodifiableList(listed);
    }

    long saCount() {
        return saCount;
    }

    long datagrams() {
        return datagrams;
    }

    /** Retires every live SA (end of capture). */
    void finish() {
        live.retireAll();
    }
}
