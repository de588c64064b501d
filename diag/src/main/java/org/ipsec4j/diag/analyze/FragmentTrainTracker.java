package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * IP fragment trains, keyed as a reassembling host keys them (source, destination, protocol, identification;
 * RFC 791, RFC 8200 §4.5) plus the observation point. A train ends when every byte arrived, when
 * {@value #TIMEOUT_SECONDS} s of capture time pass after its first fragment (Linux's ipfrag_time), when the
 * table is full, or when the capture ends. Reassembly data is held up to {@link #MAX_HELD_BYTES} in all;
 * beyond that new trains are tracked without their bytes.
 */
final class FragmentTrainTracker {

    static final int TIMEOUT_SECONDS = 30;
    static final long MAX_HELD_BYTES = 32L << 20;

    public record Key(int point, boolean v6, NetAddress source, NetAddress destination, int protocol, int identification) {}

    private final int capacity;
    private final int maxListed;
    private final LinkedHashMap<Key, FragmentTrain> live = new LinkedHashMap<>();
    private final List<FragmentTrain> listed = new ArrayList<>();
    private long heldBytes;
    private long trains;
    private long completed;
    private long incomplete;

    FragmentTrainTracker(int capacity, int maxListed) {
        this.capacity = capacity;
        this.maxListed = maxListed;
    }

    /** Adds the fragment described by {@code ip}; returns its train. */
    FragmentTrain accept(IpHeaderFields ip, ObservationPoint point, long packet, long time) {
        expire(time);
        Key key = new Key(point.index(), ip.v6, ip.source(), ip.destination(), ip.protocol, ip.identification);
        FragmentTrain train = live.get(key);
        if (train == null) {
            if (live.size() >= capacity) {
                Iterator<FragmentTrain> oldest = live.values().iterator();
                FragmentTrain evicted = oldest.next();
                oldest.remove();
                finish(evicted, FragmentTrain.State.EVICTED);
            }
            train = new FragmentTrain(key, point, packet, time);
            live.put(key, train);
            trains++;
        }
        int before = train.heldBytes();
        train.add(packet, time, ip.fragmentOffset, ip.fragmentDataLength, ip.moreFragments, ip.buffer,
                ip.transportOffset, Math.min(ip.transportPresent, ip.fragmentDataLength),
                heldBytes < MAX_HELD_BYTES);
        heldBytes += train.heldBytes() - before;
        if (train.complete() && live.remove(key) != null) {
            heldBytes -= train.heldBytes();
            completed++;
        }
        return train;
    }

    /** Ends the trains that timed out by {@code now}; cheap when none is open. Called for every packet. */
    void expire(long now) {
        if (live.isEmpty()) {
            return;
        }
        long limit = now - TIMEOUT_SECONDS * 1_000_000_000L;
        Iterator<FragmentTrain> it = live.values().iterator();
        while (it.hasNext()) {
            FragmentTrain t = it.next();
            if (t.firstTime() >= limit) {
                break;
            }
            it.remove();
            finish(t, FragmentTrain.State.TIMED_OUT);
        }
    }

    private void finish(FragmentTrain t, FragmentTrain.State reason) {
        heldBytes -= t.heldBytes();
        t.dropData();
        t.end(reason);
        incomplete++;
        list(t);
    }

    /** A train completed by {@link #accept}, once its datagram was handled: listed if it carried IKE. */
    void completed(FragmentTrain t) {
        list(t);
    }

    /** Trains worth listing: every incomplete one, and complete ones that carried IKE or drew an ICMP error. */
    private void list(FragmentTrain t) {
        if (listed.size() < maxListed && (!t.complete() || t.ike() != null || !t.icmpErrors().isEmpty())) {
            listed.add(t);
        }
    }

    /** Ends the trains still open: the capture ended before their fragments all came. */
    void finish() {
        for (FragmentTrain t : new ArrayList<>(live.values())) {
            finish(t, FragmentTrain.State.CAPTURE_ENDED);
        }
        live.clear();
    }

    List<FragmentTrain> listed() {
        return Collections.unmodifiableList(listed);
    }

    long trains() {
        return trains;
    }

    long completed() {
        return completed;
    }

    long incomplete() {
        return incomplete;
    }
}
