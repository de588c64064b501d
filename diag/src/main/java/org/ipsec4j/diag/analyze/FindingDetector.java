package org.ipsec4j.diag.analyze;

/**
 * Turns what the trackers saw into {@link Finding}s of one id. The analysis calls the hooks for each IKE SA,
 * ESP flow and peer pair when it leaves its bounded table (evicted, or at the end of the capture), then
 * {@link #finish} once.
 */
interface FindingDetector {

    default void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {}

    default void espFlowDone(EspFlow flow, AnalysisContext context, FindingCollector out) {}

    default void peerPairDone(PeerPair pair, AnalysisContext context, FindingCollector out) {}

    default void finish(AnalysisContext context, FindingCollector out) {}
}
