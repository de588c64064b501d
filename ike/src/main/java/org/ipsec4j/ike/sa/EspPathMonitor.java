package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

/**
 * Notices an ESP path that IKE's does not share (seed 004: firewalls that let IKE through and drop ESP, IP
 * protocol 50, or ESP in UDP told apart from IKE by the non-ESP marker). Every {@link #CHECK_EVERY} it looks at
 * the counters of each Child SA; one that sent at least {@link #MIN_UNANSWERED} packets and received none for
 * {@link #SUSPECT_AFTER} is a suspect, and the IKE SA asks the peer with a {@link PathProbeTask} — padded to the
 * path MTU when one is known, so that a path MTU black hole (large packets lost, small ones pass) is not taken
 * for filtered ESP. An answer with the suspects still silent is an ESP path failure: an event with the likely
 * cause, shown in status on the Child SA until ESP arrives again.
 *
 * <p>What can be repaired is: a Child SA on raw ESP moves to ESP in UDP (port 4500) under a new IKE SA whose
 * IKE_SA_INIT fakes NAT detection ({@link IkeEngine#repairWithEncapsulation}). IKEv2 decides on UDP encapsulation
 * only from the NAT_DETECTION notifies of IKE_SA_INIT (RFC 7296 §2.23; a CREATE_CHILD_SA rekey carries none,
 * and changing it inside an IKE SA takes MOBIKE, RFC 4555 §3.5, which a peer need not support), so a new IKE SA
 * is the one means every RFC 7296 peer follows. The original initiator repairs at once; a responder waits
 * {@link #RESPONDER_REPAIR_DELAY} first, so that two peers that both notice do not both build one.
 *
 * <p>One-way traffic (a stream nobody answers) looks the same; the cost of taking it for a failure is a status
 * line and, on raw ESP, a move to UDP encapsulation that works as well.
 */
final class EspPathMonitor {

    static final long CHECK_EVERY = 5_000_000_000L;
    static final long SUSPECT_AFTER = 20_000_000_000L;
    static final int MIN_UNANSWERED = 3;
    static final long RESPONDER_REPAIR_DELAY = 30_000_000_000L;

    private final IkeSa sa;
    private long nextCheckAt = Long.MAX_VALUE;
    private boolean checkInFlight;
    private long repairAt = Long.MAX_VALUE;

    EspPathMonitor(IkeSa sa) {
        this.sa = sa;
    }

    void start(long now) {
        nextCheckAt = now + CHECK_EVERY;
    }

    long nextDeadline() {
        return Math.min(nextCheckAt, repairAt);
    }

    void onTimer(long now) {
        if (now >= nextCheckAt) {
            nextCheckAt = now + CHECK_EVERY;
            if (sa.replacedBy == null) {
                sample(now);
            }
        }
        if (now >= repairAt) {
            repairAt = Long.MAX_VALUE;
            if (sa.replacedBy == null && !failedOnRawEsp().isEmpty()) {
                sa.engine.repairWithEncapsulation(sa, now);
            }
        }
    }

    private void sample(long now) {
        boolean suspects = false;
        for (ChildSa c : sa.children) {
            if (c.state != ChildSa.State.INSTALLED && c.state != ChildSa.State.REKEYING) {
                continue;
            }
            IpsecKernel.ChildSaUsage u = sa.engine.kernel().usage(c.inboundSpi, c.outboundSpi);
            if (u == null) {
                continue;
            }
            if (c.espInboundAt == 0) {
                c.espInboundAt = c.installedAt;
            }
            if (u.inboundPackets() != c.espInboundSeen) {
                c.espInboundSeen = u.inboundPackets();
                c.espInboundAt = now;
                c.espOutboundAtInbound = u.outboundPackets();
                if (c.espPathFailure != null) {
                    c.espPathFailure = null;
                    sa.engine.event(IkeEvent.Kind.ESP_PATH_RESTORED, sa, c.name() + ": ESP arrives again on "
                            + c.describe());
                }
            } else if (c.espPathFailure == null && suspect(c, u, now)) {
                suspects = true;
            }
        }
        if (suspects && !checkInFlight) {
            checkInFlight = true;
            sa.queue(new PathProbeTask(PathProbeTask.Purpose.ESP_PATH, sa.pathMtu.pathMtu()), now);
        }
    }

    private static boolean suspect(ChildSa c, IpsecKernel.ChildSaUsage u, long now) {
        return u.outboundPackets() - c.espOutboundAtInbound >= MIN_UNANSWERED && now - c.espInboundAt >= SUSPECT_AFTER;
    }

    /**
     * The peer answered the check.
     *
     * @param fullSizeLost the check was padded to the path MTU and only its small stand-in arrived
     */
    void checked(boolean fullSizeLost, int size, long now) {
        checkInFlight = false;
        if (fullSizeLost) {
            // Large packets vanish, small ones pass: a path MTU black hole, not filtered ESP. Give the smaller
            // path MTU time to work before suspecting ESP again.
            sa.pathMtu.blackHole("no ESP arrives, and a " + size + " byte probe was lost while its small "
                    + "stand-in arrived", now);
            for (ChildSa c : sa.children) {
                c.espInboundAt = now;
            }
            return;
        }
        List<ChildSa> failed = new ArrayList<>();
        for (ChildSa c : sa.children) {
            if (c.state != ChildSa.State.INSTALLED && c.state != ChildSa.State.REKEYING) {
                continue; // replaced meanwhile (a peer that cannot move an SA rekeys it to follow a NAT's new mapping)
            }
            IpsecKernel.ChildSaUsage u = sa.engine.kernel().usage(c.inboundSpi, c.outboundSpi);
            if (c.espPathFailure == null && u != null && u.inboundPackets() == c.espInboundSeen && suspect(c, u, now)) {
                failed.add(c);
            }
        }
        if (failed.isEmpty()) {
            return;
        }
        boolean repair = sa.config.path().encapFallback() && sa.replacedBy == null;
        for (ChildSa c : failed) {
            IpsecKernel.ChildSaUsage u = sa.engine.kernel().usage(c.inboundSpi, c.outboundSpi);
            c.espPathFailure = cause(c, u, now, repair);
            sa.engine.event(IkeEvent.Kind.ESP_PATH_FAILED, sa, c.name() + ": " + c.espPathFailure);
        }
        if (!repair || failedOnRawEsp().isEmpty()) {
            return;
        }
        if (sa.initiator) {
            sa.engine.repairWithEncapsulation(sa, now);
        } else {
            repairAt = now + RESPONDER_REPAIR_DELAY;
        }
    }

    private List<ChildSa> failedOnRawEsp() {
        List<ChildSa> out = new ArrayList<>();
        for (ChildSa c : sa.children) {
            if (c.espPathFailure != null && !c.encapsulated) {
                out.add(c);
            }
        }
        return out;
    }

    private String cause(ChildSa c, IpsecKernel.ChildSaUsage u, long now, boolean repair) {
        long silent = (now - c.espInboundAt) / 1_000_000_000L;
        long sent = u.outboundPackets() - c.espOutboundAtInbound;
        String ike = "IKE on UDP " + sa.local.port() + " is answered";
        if (c.encapsulated) {
            return "ESP in UDP (port " + sa.remote.port() + ") to " + sa.remote.address() + ": " + sent
                    + " packets sent, none received for " + silent + " s, while " + ike + " on the same port: a "
                    + "firewall likely tells them apart by content (passes the non-ESP marker, drops ESP); open "
                    + "ESP in UDP between the gateways" + (sa.natLocal ? "; or the NAT in front of us mapped us anew "
                    + "and the peer follows a new mapping only on IKE, as on this check" : "");
        }
        return "ESP (IP protocol 50) to " + sa.remote.address() + ": " + sent + " packets sent, none received for "
                + silent + " s, while " + ike + ": a firewall or NAT on the path likely drops IP protocol 50"
                + (repair ? "; moving the Child SAs to ESP in UDP (port 4500)" + (sa.initiator ? ""
                : " in " + RESPONDER_REPAIR_DELAY / 1_000_000_000L + " s unless the peer does it first")
                : " (encap_fallback = no: open protocol 50, or set encap = yes)");
    }
}
