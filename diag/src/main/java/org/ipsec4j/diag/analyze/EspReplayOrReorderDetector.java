package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code esp-replay-or-reorder} (seed 004): sequence numbers of one ESP flow repeated, or arriving 64 or more
 * behind the highest seen, where a receiver's 64-packet anti-replay window drops them.
 */
final class EspReplayOrReorderDetector implements FindingDetector {

    static final String ID = "esp-replay-or-reorder";

    @Override
    public void espFlowDone(EspFlow flow, AnalysisContext context, FindingCollector out) {
        SequenceTracker s = flow.sequences();
        if (s.replayed() == 0 && s.lateBeyondWindow() == 0) {
            return;
        }
        List<Long> evidence = new ArrayList<>(s.lateBeyondPackets());
        evidence.addAll(s.replayedPackets());
        StringBuilder summary = new StringBuilder(flow.carrier()).append(" spi ").append(Text.spi32(flow.key().spi()))
                .append(' ').append(PmtuBlackHoleDetector.endpoints(flow)).append(context.at(flow.point())).append(": ");
        List<String> parts = new ArrayList<>();
        if (s.lateBeyondWindow() > 0) {
            parts.add(Text.plural(s.lateBeyondWindow(), "packet") + " arrived " + SequenceTracker.WINDOW
                    + " or more sequence numbers late (up to " + s.maxLateDistance() + " behind), where a 64-packet "
                    + "anti-replay window drops them");
        }
        if (s.replayed() > 0) {
            parts.add(Text.plural(s.replayed(), "sequence number") + " came twice");
        }
        summary.append(String.join(", and ", parts)).append(" (of ").append(Text.plural(flow.packets(), "packet"))
                .append(")");
        String cause = s.lateBeyondWindow() > 0
                ? "Packets of one SA were reordered on the path by more than the receiver's anti-replay window: "
                        + "typically QoS, which queues packets of one SA in different classes (the DSCP copied to "
                        + "the outer header, seed 004) so that priority packets overtake the rest; the receiver "
                        + "counts the late ones as replays and drops them."
                : "";
        if (s.replayed() > 0) {
            cause += (cause.isEmpty() ? "" : " ") + "Repeated sequence numbers: a device on the path duplicates "
                    + "packets, someone replays captured packets, or a sender with manual keys restarted and reused "
                    + "its numbers.";
        }
        out.add(Finding.of(ID, Severity.WARNING, summary.toString(), evidence, cause,
                "Use one SA per traffic class (RFC 4301 §4.1: separate SAs for different DSCP values, as strongSwan "
                        + "can with several CHILD_SAs marked per class) or keep QoS from reordering one SA's packets; "
                        + "a larger anti-replay window (replay_window) tolerates more reordering. For duplicates, "
                        + "find the device that duplicates; with manual keys never restart a sender without its "
                        + "sequence state (ipsec4j --state-dir)."));
    }
}
