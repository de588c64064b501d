package org.ipsec4j.diag.analyze;

import java.util.List;
import java.util.Map;

/**
 * What {@link CaptureAnalyzer} found: the capture's outline, the IKE SAs, ESP flows, NAT keepalives, IP
 * fragment trains, ICMP errors and neighbour discovery it saw (each list capped, with the full count next to
 * it), and the findings, worst first. {@code internalErrors} counts packets whose analysis failed on a bug of
 * ours (the analysis goes on with the next packet); {@code firstInternalError} says where, or is null.
 */
public record AnalysisReport(
        long packets, long ipPackets, long nonIpPackets, long malformedPackets, long firstTimeNanos, long lastTimeNanos,
        List<ObservationPoint> points,
        List<IkeSaRecord> ikeSas, long ikeSaCount, long ikeDatagrams,
        List<EspFlow> espFlows, long espFlowCount, long espPackets,
        List<NatKeepalives.Stream> keepalives, long keepaliveCount,
        List<FragmentTrain> fragmentTrains, long fragmentPackets, long fragmentTrainCount, long fragmentTrainsComplete,
        long fragmentTrainsIncomplete,
        List<IcmpError> icmpErrors, long icmpErrorCount,
        long neighborSolicitations, long neighborAdvertisements, List<NeighborDiscovery.UnansweredEpisode> unansweredNeighborSolicitations,
        List<Finding> findings, Map<String, Integer> suppressedFindings, long internalErrors,
        String firstInternalError) {

    /** Seconds since the first packet, for a time stamp of this capture. */
    public double secondsOf(long timeNanos) {
        return packets == 0 ? 0 : (timeNanos - firstTimeNanos) / 1e9;
    }

    /** Whether any finding is a warning or worse. */
    public boolean hasWarnings() {
        return findings.stream().anyMatch(f -> f.severity().compareTo(Severity.WARNING) >= 0);
    }

    public boolean severalPoints() {
        return points.size() > 1;
    }
}
