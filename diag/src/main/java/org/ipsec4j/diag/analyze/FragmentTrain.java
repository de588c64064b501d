package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The IP fragments of one datagram at one observation point (RFC 791, RFC 8200 §4.5): which arrived, which
 * byte ranges never did, and, once all are there, the reassembled transport payload.
 */
public final class FragmentTrain {

    static final int MAX_DATAGRAM = 65535;
    private static final int MAX_LISTED_FRAGMENTS = 64;

    /** One fragment: its packet, offset and length of fragment data in bytes, and the more-fragments flag. */
    public record Fragment(long packet, int offset, int length, boolean more) {}

    /** How the train ended. */
    public enum State { OPEN, COMPLETE, TIMED_OUT, CAPTURE_ENDED, EVICTED }

    private final FragmentTrainTracker.Key key;
    private final ObservationPoint point;
    private final long firstPacket;
    private final long firstTime;
    private long lastTime;
    private final List<Fragment> fragments = new ArrayList<>(2);
    private long fragmentCount;
    private int totalLength = -1;
    /** Covered byte ranges [start, end), sorted and merged. */
    private final List<int[]> covered = new ArrayList<>(2);
    private byte[] data;
    private boolean dataUnavailable;
    private boolean overlap;
    private State state = State.OPEN;
    private long completedPacket = -1;
    private IkeMessageSighting ike;
    private final List<Long> icmpErrors = new ArrayList<>(0);

    FragmentTrain(FragmentTrainTracker.Key key, ObservationPoint point, long firstPacket, long firstTime) {
        this.key = key;
        this.point = point;
        this.firstPacket = firstPacket;
        this.firstTime = firstTime;
        this.lastTime = firstTime;
    }

    /**
     * Adds a fragment; {@code present} bytes of its data are at {@code buf[dataOffset]}.
     *
     * @return the bytes this train now holds for reassembly (0 once it gave its data up)
     */
    int add(long packet, long time, int offset, int length, boolean more, byte[] buf, int dataOffset, int present,
            boolean keepData) {
        lastTime = time;
        fragmentCount++;
        if (fragments.size() < MAX_LISTED_FRAGMENTS) {
            fragments.add(new Fragment(packet, offset, length, more));
        }
        if (ike != null) {
            ike.addFragmentPacket(packet);
        }
        int end = offset + length;
        if (!more) {
            totalLength = end;
        }
        overlap |= cover(offset, end);
        if (end > MAX_DATAGRAM || present < length || !keepData) {
            dropData();
        } else if (!dataUnavailable) {
            if (data == null) {
                data = new byte[Math.max(end, totalLength)];
            } else if (data.length < end) {
                data = java.util.Arrays.copyOf(data, Math.max(end, Math.min(MAX_DATAGRAM, data.length * 2)));
            }
            System.arraycopy(buf, dataOffset, data, offset, length);
        }
        if (totalLength >= 0 && covered.size() == 1 && covered.getFirst()[0] == 0 && covered.getFirst()[1] >= totalLength
                && state == State.OPEN) {
            state = State.COMPLETE;
            completedPacket = packet;
        }
        return data == null ? 0 : data.length;
    }

    /** Marks [start, end) covered; returns whether it overlapped what was there. */
    private boolean cover(int start, int end) {
        boolean overlapped = false;
        int[] merged = {start, end};
        List<int[]> out = new ArrayList<>(covered.size() + 1);
        for (int[] r : covered) {
            if (r[1] < merged[0] || r[0] > merged[1]) {
                out.add(r);
            } else {
                overlapped |= r[1] > merged[0] && r[0] < merged[1];
                merged[0] = Math.min(merged[0], r[0]);
                merged[1] = Math.max(merged[1], r[1]);
            }
        }
        out.add(merged);
        out.sort((a, b) -> Integer.compare(a[0], b[0]));
        covered.clear();
        covered.addAll(out);
        return overlapped;
    }

    void dropData() {
        dataUnavailable = true;
        data = null;
    }

    void end(State reason) {
        if (state == State.OPEN) {
            state = reason;
        }
    }

    void attach(IkeMessageSighting sighting) {
        ike = sighting;
        for (Fragment f : fragments) {
            sighting.addFragmentPacket(f.packet());
        }
    }

    void addIcmpError(long packet) {
        if (icmpErrors.size() < 16 && !icmpErrors.contains(packet)) {
            icmpErrors.add(packet);
        }
    }

    /** The reassembled transport payload once complete (null if the data was not kept). */
    byte[] data() {
        return state == State.COMPLETE && !dataUnavailable ? data : null;
    }

    int heldBytes() {
        return data == null ? 0 : data.length;
    }

    public FragmentTrainTracker.Key key() {
        return key;
    }

    public ObservationPoint point() {
        return point;
    }

    public long firstPacket() {
        return firstPacket;
    }

    public long firstTime() {
        return firstTime;
    }

    public long lastTime() {
        return lastTime;
    }

    public List<Fragment> fragments() {
        return Collections.unmodifiableList(fragments);
    }

    public long fragmentCount() {
        return fragmentCount;
    }

    /** The datagram's length from its last fragment, or -1 if the last fragment never came. */
    public int totalLength() {
        return totalLength;
    }

    public State state() {
        return state;
    }

    public boolean complete() {
        return state == State.COMPLETE;
    }

    public boolean overlap() {
        return overlap;
    }

    public long completedPacket() {
        return completedPacket;
    }

    public boolean firstFragmentSeen() {
        return !covered.isEmpty() && covered.getFirst()[0] == 0;
    }

    /** The byte ranges [start, end) of fragment data that never arrived; the last one open-ended (end -1) when the last fragment is missing. */
    public List<int[]> missingRanges() {
        List<int[]> holes = new ArrayList<>();
        int position = 0;
        for (int[] r : covered) {
            if (r[0] > position) {
                holes.add(new int[] {position, r[0]});
            }
            position = Math.max(position, r[1]);
        }
        if (totalLength < 0) {
            holes.add(new int[] {position, -1});
        } else if (position < totalLength) {
            holes.add(new int[] {position, totalLength});
        }
        return holes;
    }

    /** The IKE datagram this train carried, if its first fragment was IKE. */
    public IkeMessageSighting ike() {
        return ike;
    }

    public List<Long> icmpErrors() {
        return Collections.unmodifiableList(icmpErrors);
    }
}
