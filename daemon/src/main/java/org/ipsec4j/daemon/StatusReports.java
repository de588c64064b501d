package org.ipsec4j.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ipsec4j.daemon.config.ActiveConfiguration;
import org.ipsec4j.daemon.config.ConfiguredPolicy;
import org.ipsec4j.daemon.config.ConfiguredSa;
import org.ipsec4j.daemon.control.StatusReport;
import org.ipsec4j.daemon.loop.DropLog;
import org.ipsec4j.esp.DataPlaneCounters;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.PathMtu;
import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.stats.DropReason;
import org.ipsec4j.esp.stats.TrafficCounters;

/**
 * Builds a {@link StatusReport} from what runs. Counters are plain fields written by the packet threads and
 * read here without a lock: each value is one the counter really had (64-bit reads are atomic on the JVMs
 * this runs on), though the set is not one instant, as with Linux's /proc/net/xfrm_stat.
 */
final class StatusReports {

    private StatusReports() {}

    static StatusReport build(StatusReport.DaemonSummary daemon, ActiveConfiguration configuration,
            DataPlaneCounters outbound, DataPlaneCounters inbound, long nowNanos) {
        List<StatusReport.SaStatus> sas = new ArrayList<>();
        for (ConfiguredSa configured : configuration.sas()) {
            sas.add(sa(configured, nowNanos));
        }
        List<StatusReport.PolicyStatus> policies = new ArrayList<>();
        for (ConfiguredPolicy configured : configuration.policies()) {
            SecurityPolicy policy = configured.policy();
            SecurityAssociation bound = policy.outboundSa();
            policies.add(new StatusReport.PolicyStatus(policy.direction().name().toLowerCase(Locale.ROOT),
                    policy.selector().toString(), policy.action().toString(), policy.hits(),
                    bound == null ? null : String.format("0x%08x", bound.spi()), configured.position().line()));
        }
        TrafficCounters.Snapshot out = outbound.outbound().snapshot();
        TrafficCounters.Snapshot in = inbound.inbound().snapshot();
        StatusReport.GlobalCounters global = new StatusReport.GlobalCounters(out.packets(), out.bytes(),
                drops(out.drops()), in.packets(), in.bytes(), drops(in.drops()),
                outbound.bypassed() + inbound.bypassed(), inbound.ikeMessages(), outbound.keepalivesSent(),
                inbound.keepalivesReceived(), pathMtuCounters(outbound, inbound));
        return new StatusReport(daemon, sas, policies, global);
    }

    private static StatusReport.SaStatus sa(ConfiguredSa configured, long now) {
        SecurityAssociation sa = configured.sa();
        boolean outbound = sa.flow() == SecurityAssociation.Flow.OUTBOUND;
        TrafficCounters.Snapshot counters = sa.counters().snapshot();
        int udpLocal = sa.udpEncapsulation() == null ? 0 : sa.udpEncapsulation().localPort();
        int udpRemote = sa.udpEncapsulation() == null ? 0 : sa.udpEncapsulation().remotePort();
        long sequence = outbound ? sa.sequenceCounter().last() : sa.replayWindow().highest();
        LifetimeLimits limits = sa.limits();
        return new StatusReport.SaStatus(Integer.toUnsignedLong(sa.spi()), outbound ? "out" : "in",
                sa.protocol().name().toLowerCase(Locale.ROOT), sa.mode().name().toLowerCase(Locale.ROOT),
                sa.localAddress().toString(), sa.remoteAddress().toString(), udpLocal, udpRemote,
                sa.espTransform() == null ? null : encryptionName(sa.espTransform().encryption()),
                integrityName(sa.espTransform() == null ? sa.ahIntegrity() : sa.espTransform().integrity()),
                outbound ? -1 : sa.replayWindow().size(), sequence,
                sa.state().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                Math.max(0, (now - sa.addedAtNanos()) / 1_000_000_000L),
                lifetime(limits.softBytes(), limits.softPackets(), limits.softTimeNanos()),
                lifetime(limits.hardBytes(), limits.hardPackets(), limits.hardTimeNanos()),
                counters.bytes(), counters.packets(), drops(counters.drops()), configured.position().line(),
                outbound ? pathMtu(sa, now) : null);
    }

    /** The outbound SA's path MTU for {@code status}. */
    static StatusReport.PathMtuStatus pathMtu(SecurityAssociation sa, long now) {
        PathMtu p = sa.pathMtu();
        int current = p.current(now);
        int learned = p.learnedMtu();
        return new StatusReport.PathMtuStatus(current == PathMtu.UNKNOWN ? 0 : current, p.linkMtu(), learned,
                learned == 0 ? -1 : Math.max(0, (now - p.learnedAtNanos()) / 1_000_000_000L),
                current == PathMtu.UNKNOWN ? 0 : sa.largestInnerPacket(current), p.changes(), p.probedMtu(),
                p.searchBase());
    }

    /** Non-zero path MTU counters: reports by outcome (ICMP from the inbound threads), then the outbound side. */
    private static Map<String, Long> pathMtuCounters(DataPlaneCounters outbound, DataPlaneCounters inbound) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (PathMtuOutcome outcome : PathMtuOutcome.values()) {
            put(named, "reports-" + outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    inbound.pathMtuReports(outcome) + outbound.pathMtuReports(outcome));
        }
        put(named, "too-big-sent", outbound.tooBigSent());
        put(named, "too-big-rate-limited", outbound.tooBigRateLimited());
        put(named, "too-big-suppressed", outbound.tooBigSuppressed());
        put(named, "too-big-without-source", outbound.tooBigWithoutSource());
        put(named, "prefragmented", outbound.prefragmented());
        put(named, "fragments-sent", outbound.fragmentsSent());
        put(named, "sent-over-path-mtu", outbound.sentOverPathMtu());
        put(named, "mss-clamped", outbound.mssClamped() + inbound.mssClamped());
        return named;
    }

    private static void put(Map<String, Long> map, String name, long value) {
        if (value != 0) {
            map.put(name, value);
        }
    }

    static String encryptionName(EncryptionAlgorithm algorithm) {
        return switch (algorithm) {
            case TRIPLE_DES_CBC -> "3des-cbc";
            default -> algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }

    static String integrityName(IntegrityAlgorithm algorithm) {
        return algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String lifetime(long bytes, long packets, long nanos) {
        List<String> parts = new ArrayList<>();
        if (nanos != LifetimeLimits.NONE) {
            parts.add(nanos / 1_000_000_000L + " s");
        }
        if (bytes != LifetimeLimits.NONE) {
            parts.add(bytes + " bytes");
        }
        if (packets != LifetimeLimits.NONE) {
            parts.add(packets + " packets");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static Map<String, Long> drops(Map<DropReason, Long> drops) {
        Map<String, Long> named = new LinkedHashMap<>();
        drops.forEach((reason, count) -> named.put(DropLog.name(reason), count));
        return named;
    }
}
