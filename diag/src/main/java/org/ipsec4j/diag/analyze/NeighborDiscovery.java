package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * IPv6 neighbour solicitations (RFC 4861 §7.2) and whether an advertisement for their target followed.
 * Duplicate address detection (source ::) expects no answer and is left out. Solicitations for one target
 * without an answer for {@value #EPISODE_GAP_SECONDS} s or more close an unanswered episode; an answer closes
 * the episode as answered.
 */
final class NeighborDiscovery {

    static final int EPISODE_GAP_SECONDS = 3;
    private static final int MAX_LISTED_PACKETS = 16;
    private static final int MAX_EPISODES = 64;

    /** Solicitations for one target that no advertisement answered. */
    public record UnansweredEpisode(NetAddress target, NetAddress solicitor, ObservationPoint point,
            List<Long> packets, long solicitations, long firstTime, long lastTime) {}

    private static final class Pending {
        final NetAddress target;
        NetAddress solicitor;
        ObservationPoint point;
        final List<Long> packets = new ArrayList<>(3);
        long count;
        long firstTime;
        long lastTime;

        Pending(NetAddress target) {
            this.target = target;
        }

        UnansweredEpisode episode() {
            return new UnansweredEpisode(target, solicitor, point, List.copyOf(packets), count, firstTime, lastTime);
        }
    }

    private final BoundedTable<NetAddress, Pending> pending;
    private final List<UnansweredEpisode> unanswered = new ArrayList<>();
    private long solicitations;
    private long advertisements;
    private long answeredEpisodes;

    NeighborDiscovery(int capacity) {
        this.pending = new BoundedTable<>(capacity, this::close);
    }

    void solicitation(NetAddress solicitor, NetAddress target, ObservationPoint point, long packet, long time) {
        if (solicitor.isUnspecified()) {
            return; // duplicate address detection: silence is the good answer
        }
        solicitations++;
        Pending p = pending.get(target);
        if (p != null && time - p.lastTime >= EPISODE_GAP_SECONDS * 1_000_000_000L) {
            pending.remove(target);
            close(p);
            p = null;
        }
        if (p == null) {
            p = new Pending(target);
            p.firstTime = time;
            pending.put(target, p);
        }
        p.solicitor = solicitor;
        p.point = point;
        p.count++;
        p.lastTime = time;
        if (p.packets.size() < MAX_LISTED_PACKETS) {
            p.packets.add(packet);
        }
    }

    void advertisement(NetAddress target) {
        advertisements++;
        if (pending.remove(target) != null) {
            answeredEpisodes++;
        }
    }

    private void close(Pending p) {
        if (unanswered.size() < MAX_EPISODES) {
            unanswered.add(p.episode());
        }
    }

    /**
     * Closes what is still pending at the end of the capture: solicitations within the last second may still
     * have been answered after it, so a lone recent one is not counted.
     */
    void finish(long endTime) {
        for (Pending p : new ArrayList<>(pending.values())) {
            if (p.count >= 2 || endTime - p.lastTime >= 1_000_000_000L) {
                close(p);
            }
        }
    }

    List<UnansweredEpisode> unanswered() {
        return Collections.unmodifiableList(unanswered);
    }

    long solicitations() {
        return solicitations;
    }

    long advertisements() {
        return advertisements;
    }

    long answeredEpisodes() {
        return answeredEpisodes;
    }
}
