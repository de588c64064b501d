package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The packets of one SPI in one direction at one observation point: raw ESP (IP protocol 50), ESP in UDP
 * (RFC 3948) or AH (51). Counts, sequence numbers ({@link SequenceTracker}), and what a path MTU problem
 * looks like from here: the largest packets, whether they go out again and again with DF set at the growing
 * intervals of a retransmission timer, and whether a router reported a smaller MTU for them.
 */
public final class EspFlow {

    /** A repeat closer than this to the previous one is traffic, not a retransmission timer. */
    static final long MIN_RETRANSMIT_GAP_NANOS = 150_000_000L;
    /** Each wait of a backing-off timer is at least this much longer than the previous one. */
    static final double BACKOFF_FACTOR = 1.4;
    /** A stalled sender sends little besides its retransmissions: more packets in between end a run. */
    static final int MAX_SEQUENCE_STEP = 32;
    private static final int MAX_RUN = 16;
    private static final int RECENT = 16;
    private static final int MAX_LISTED = 8;
    /** Inner flows counted per ESP flow; packets of further ones are counted together. */
    static final int MAX_INNER_FLOWS = 16;

    /** The flow's key. {@code sourcePort} and {@code destinationPort} are 0 for raw ESP and AH. */
    public record Key(int point, NetAddress source, NetAddress destination, int sourcePort, int destinationPort,
            int spi, int protocol) {}

    private final Key key;
    private final ObservationPoint point;
    private final PeerPair peers;
    private final SequenceTracker sequences = new SequenceTracker();
    private long packets;
    private long bytes;
    private long firstPacket;
    private long lastPacket;
    private long firstTime;
    private long lastTime;
    private long gsoSuperPackets;
    private long decrypted;
    private long decryptionFailed;
    private String firstDecryptionFailure;
    private final java.util.LinkedHashMap<String, long[]> innerFlows = new java.util.LinkedHashMap<>(0);
    private long otherInnerPackets;
    private final long[] recentSequence = new long[RECENT];
    private final long[] recentPacket = new long[RECENT];
    private int recentNext;

    private int maxSize;
    private long packetsAtMax;
    private boolean maxSeenWithoutDf;
    private final List<Long> run = new ArrayList<>(2);
    private long runLastTime;
    private long runLastGap;
    private long runLastSequence;
    private final List<Long> bestRun = new ArrayList<>(0);
    private final List<Long> bestRunGapsMillis = new ArrayList<>(0);
    private final List<Long> runGapsMillis = new ArrayList<>(2);
    private int bestRunSize;

    private boolean retired;
    private int reportedMtu = -1;
    private long reportedAtPacket = -1;
    private long oversizeAfterReport;
    private final List<Long> oversizeAfterReportPackets = new ArrayList<>(0);

    EspFlow(Key key, ObservationPoint point, PeerPair peers) {
        this.key = key;
        this.point = point;
        this.peers = peers;
    }

    /** One packet (or one segment of a GSO super-packet) of {@code ipLength} bytes on the wire. */
    void accept(long packet, long time, long sequence, int ipLength, boolean dontFragment) {
        packets++;
        bytes += ipLength;
        if (packets == 1) {
            firstPacket = packet;
            firstTime = time;
        }
        lastPacket = packet;
        lastTime = time;
        sequences.accept(sequence, packet);
        recentSequence[recentNext] = sequence;
        recentPacket[recentNext] = packet;
        recentNext = (recentNext + 1) % RECENT;
        size(packet, time, sequence, ipLength, dontFragment);
        if (reportedMtu > 0 && ipLength > reportedMtu && packet > reportedAtPacket) {
            oversizeAfterReport++;
            if (oversizeAfterReportPackets.size() < MAX_LISTED) {
                oversizeAfterReportPackets.add(packet);
            }
        }
        if (peers != null) {
            peers.esp(key.source(), packet, point);
        }
    }

    /**
     * Follows the largest packets. Every packet of the largest size takes part, in order: one without DF
     * (which the path may fragment), one close after the previous, or one after many other packets of the flow
     * ends the current run; a DF packet after a wait at least {@link #BACKOFF_FACTOR} times the previous wait,
     * with at most {@link #MAX_SEQUENCE_STEP} packets of the flow in between, extends it.
     */
    private void size(long packet, long time, long sequence, int ipLength, boolean dontFragment) {
        if (ipLength > maxSize) {
            maxSize = ipLength;
            packetsAtMax = 0;
            maxSeenWithoutDf = false;
            run.clear();
            runGapsMillis.clear();
            bestRun.clear();
            bestRunGapsMillis.clear();
        }
        if (ipLength < maxSize) {
            return;
        }
        packetsAtMax++;
        if (!dontFragment) {
            maxSeenWithoutDf = true;
            run.clear();
            return;
        }
        long gap = time - runLastTime;
        if (run.isEmpty() || gap < MIN_RETRANSMIT_GAP_NANOS || sequence - runLastSequence > MAX_SEQUENCE_STEP) {
            startRun(packet, time, sequence);
        } else if (run.size() == 1 || gap >= BACKOFF_FACTOR * runLastGap) {
            if (run.size() < MAX_RUN) {
                run.add(packet);
                runGapsMillis.add(gap / 1_000_000);
            }
            runLastGap = gap;
            runLastTime = time;
            runLastSequence = sequence;
        } else {
            long previous = run.getLast();
            startRun(previous, runLastTime, runLastSequence);
            run.add(packet);
            runGapsMillis.add(gap / 1_000_000);
            runLastGap = gap;
            runLastTime = time;
            runLastSequence = sequence;
        }
        if (run.size() > bestRun.size()) {
            bestRun.clear();
            bestRun.addAll(run);
            bestRunGapsMillis.clear();
            bestRunGapsMillis.addAll(runGapsMillis);
            bestRunSize = maxSize;
        }
    }

    private void startRun(long packet, long time, long sequence) {
        run.clear();
        runGapsMillis.clear();
        run.add(packet);
        runLastTime = time;
        runLastSequence = sequence;
        runLastGap = 0;
    }

    /** The flow left the live table: a new packet of its key starts a new flow. */
    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    void gsoSuperPacket() {
        gsoSuperPackets++;
    }

    /** What a {@link KeySource} made of one packet of the flow: opened (its inner flow counted) or not. */
    void opened(KeySource.OpenedEspPacket opened) {
        if (!opened.opened()) {
            decryptionFailed++;
            if (firstDecryptionFailure == null) {
                firstDecryptionFailure = opened.failure();
            }
            return;
        }
        decrypted++;
        String flow = opened.innerFlow() == null ? "next header " + opened.nextHeader() : opened.innerFlow();
        long[] count = innerFlows.get(flow);
        if (count != null) {
            count[0]++;
        } else if (innerFlows.size() < MAX_INNER_FLOWS) {
            innerFlows.put(flow, new long[] {1});
        } else {
            otherInnerPackets++;
        }
    }

    /** A router reported {@code mtu} for this flow's packets in ICMP error {@code icmpPacket}. */
    void mtuReported(int mtu, long icmpPacket) {
        if (reportedMtu < 0 || mtu < reportedMtu) {
            reportedMtu = mtu;
        }
        if (reportedAtPacket < 0) {
            reportedAtPacket = icmpPacket;
        }
    }

    /** The packet that carried {@code sequence}, if it was among the last few; else -1. */
    long packetOf(long sequence) {
        for (int i = 0; i < RECENT; i++) {
            if (recentSequence[i] == sequence && recentPacket[i] != 0) {
                return recentPacket[i];
            }
        }
        return -1;
    }

    public Key key() {
        return key;
    }

    public ObservationPoint point() {
        return point;
    }

    public PeerPair peers() {
        return peers;
    }

    public boolean udpEncapsulated() {
        return key.destinationPort() != 0 || key.sourcePort() != 0;
    }

    public SequenceTracker sequences() {
        return sequences;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long firstPacket() {
        return firstPacket;
    }

    public long lastPacket() {
        return lastPacket;
    }

    public long firstTime() {
        return firstTime;
    }

    public long lastTime() {
        return lastTime;
    }

    /** UDP datagrams that held several ESP packets of a GSO run (captured before segmentation). */
    public long gsoSuperPackets() {
        return gsoSuperPackets;
    }

    public long decryptedPackets() {
        return decrypted;
    }

    /** Packets the SPI's keys did not open (a failed integrity check: wrong keys, or corrupted). */
    public long decryptionFailedPackets() {
        return decryptionFailed;
    }

    /** Why the first packet that the keys did not open failed; null if none. */
    public String firstDecryptionFailure() {
        return firstDecryptionFailure;
    }

    /** The decrypted packets by inner flow ({@code ICMP 10.1.0.1 > 10.2.0.1}), the first {@value #MAX_INNER_FLOWS}. */
    public java.util.Map<String, Long> innerFlows() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        innerFlows.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    /** Decrypted packets of inner flows beyond the first {@value #MAX_INNER_FLOWS}. */
    public long otherInnerPackets() {
        return otherInnerPackets;
    }

    /** The largest packet, in bytes on the wire (IP header included). */
    public int maxSize() {
        return maxSize;
    }

    /** Packets smaller than {@link #maxSize()}. */
    public long packetsBelowMax() {
        return packets - packetsAtMax;
    }

    public long packetsAtMax() {
        return packetsAtMax;
    }

    /** Some packet of the largest size went without DF: the path could fragment it. */
    public boolean maxSeenWithoutDf() {
        return maxSeenWithoutDf;
    }

    /**
     * The longest run of largest-size, DF packets sent at growing intervals of at least
     * {@link #MIN_RETRANSMIT_GAP_NANOS}, with little else of the flow in between and no other packet of that
     * size: what a retransmission timer backing off after losses looks like.
     */
    public List<Long> retransmissionRun() {
        return Collections.unmodifiableList(bestRun);
    }

    /** The waits between the packets of {@link #retransmissionRun()}, in milliseconds. */
    public List<Long> retransmissionRunGapsMillis() {
        return Collections.unmodifiableList(bestRunGapsMillis);
    }

    public int retransmissionRunSize() {
        return bestRunSize;
    }

    /** The smallest MTU an ICMP error reported for this flow, or -1. */
    public int reportedMtu() {
        return reportedMtu;
    }

    public long reportedAtPacket() {
        return reportedAtPacket;
    }

    /** Packets larger than the reported MTU sent after the report: the sender ignored it. */
    public long oversizeAfterReport() {
        return oversizeAfterReport;
    }

    public List<Long> oversizeAfterReportPackets() {
        return Collections.unmodifiableList(oversizeAfterReportPackets);
    }

    /** {@code ESP}, {@code ESP-in-UDP} or {@code AH}. */
    public String carrier() {
        return key.protocol() == 51 ? "AH" : udpEncapsulated() ? "ESP-in-UDP" : "ESP";
    }
}
