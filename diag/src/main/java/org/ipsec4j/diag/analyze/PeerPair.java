package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two IPsec peers, whatever their ports: what IKE achieved between them and how much ESP crossed in each
 * direction. ESP cannot be tied to its IKE SA without keys (the Child SA SPIs travel encrypted), so the two
 * meet here, by address. Direction 0 is from {@link #low} to {@link #high}.
 */
public final class PeerPair {

    private static final int MAX_LISTED = 8;

    private final NetAddress low;
    private final NetAddress high;
    private long ikeAuthAnsweredPacket = -1;
    private long childSaRefusedPacket = -1;
    private long ikeAuthAnsweredTime;
    private long answeredAfterAuth;
    private final List<Long> answeredAfterAuthPackets = new ArrayList<>(2);
    private final boolean[] ikeFrom = new boolean[2];
    private final long[] espPackets = new long[2];
    private final long[] espPacketsAfterAuth = new long[2];
    private final List<List<Long>> espSample = List.of(new ArrayList<>(), new ArrayList<>());
    private final long[] espPoints = new long[2];
    private long lastIkePacket;

    PeerPair(NetAddress low, NetAddress high) {
        this.low = low;
        this.high = high;
    }

    /** The key of the pair of {@code a} and {@code b}, in either order. */
    static Key key(NetAddress a, NetAddress b) {
        return compare(a, b) <= 0 ? new Key(a, b) : new Key(b, a);
    }

    record Key(NetAddress low, NetAddress high) {}

    private static int compare(NetAddress a, NetAddress b) {
        int c = Boolean.compare(a.v6(), b.v6());
        if (c == 0) {
            c = Long.compareUnsigned(a.high(), b.high());
        }
        return c != 0 ? c : Long.compareUnsigned(a.low(), b.low());
    }

    int direction(NetAddress source) {
        return source.equals(low) ? 0 : 1;
    }

    void ikeMessage(NetAddress source, long packet) {
        ikeFrom[direction(source)] = true;
        lastIkePacket = packet;
    }

    void ikeAuthAnswered(long packet, long time) {
        if (ikeAuthAnsweredPacket < 0) {
            ikeAuthAnsweredPacket = packet;
            ikeAuthAnsweredTime = time;
        }
    }

    void exchangeAnswered(long responsePacket) {
        if (ikeAuthAnsweredPacket >= 0 && responsePacket > ikeAuthAnsweredPacket) {
            answeredAfterAuth++;
            if (answeredAfterAuthPackets.size() < MAX_LISTED) {
                answeredAfterAuthPackets.add(responsePacket);
            }
        }
    }

    void esp(NetAddress source, long packet, ObservationPoint point) {
        int d = direction(source);
        espPackets[d]++;
        if (ikeAuthAnsweredPacket >= 0 && packet > ikeAuthAnsweredPacket) {
            espPacketsAfterAuth[d]++;
        }
        List<Long> sample = espSample.get(d);
        if (sample.size() < MAX_LISTED) {
            sample.add(packet);
        }
        if (point.index() < 64) {
            espPoints[d] |= 1L << point.index();
        }
    }

    public NetAddress low() {
        return low;
    }

    public NetAddress high() {
        return high;
    }

    /** The first IKE_AUTH response seen between the two, or -1. */
    /** A decrypted IKE_AUTH response refused the Child SA with an error notify. */
    void childSaRefused(long packet) {
        if (childSaRefusedPacket < 0) {
            childSaRefusedPacket = packet;
        }
    }

    /** The decrypted IKE_AUTH response that refused the Child SA (only known with keys), or -1. */
    public long childSaRefusedPacket() {
        return childSaRefusedPacket;
    }

    public long ikeAuthAnsweredPacket() {
        return ikeAuthAnsweredPacket;
    }

    public long ikeAuthAnsweredTime() {
        return ikeAuthAnsweredTime;
    }

    /** IKE exchanges answered after the first IKE_AUTH response: the IKE SA kept working. */
    public long answeredAfterAuth() {
        return answeredAfterAuth;
    }

    public List<Long> answeredAfterAuthPackets() {
        return Collections.unmodifiableList(answeredAfterAuthPackets);
    }

    /** Whether IKE was seen from the end of {@code direction} (0: from low). */
    public boolean ikeFrom(int direction) {
        return ikeFrom[direction];
    }

    public long espPackets(int direction) {
        return espPackets[direction];
    }

    public long espPacketsAfterAuth(int direction) {
        return espPacketsAfterAuth[direction];
    }

    public List<Long> espSample(int direction) {
        return Collections.unmodifiableList(espSample.get(direction));
    }

    /** The observation points (index below 64) where ESP of {@code direction} was seen, as a bit mask. */
    public long espPoints(int direction) {
        return espPoints[direction];
    }

    public long lastIkePacket() {
        return lastIkePacket;
    }
}
