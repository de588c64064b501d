package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code esp-blocked} (seed 004): IKE completes (the IKE_AUTH request is answered) and keeps answering, but
 * ESP crosses the capture point in one direction only, or not at all.
 */
final class EspBlockedDetector implements FindingDetector {

    static final String ID = "esp-blocked";
    /** ESP packets one way before the silence the other way means something. */
    static final int MIN_ONE_WAY = 3;
    /** Exchanges answered after IKE_AUTH before "no ESP at all" means more than an idle tunnel. */
    static final int MIN_ANSWERED_WITHOUT_ESP = 2;

    @Override
    public void peerPairDone(PeerPair pair, AnalysisContext context, FindingCollector out) {
        if (pair.ikeAuthAnsweredPacket() < 0) {
            return;
        }
        long toHigh = pair.espPacketsAfterAuth(0);
        long toLow = pair.espPacketsAfterAuth(1);
        String ike = "IKE between " + pair.low() + " and " + pair.high() + " completed (IKE_AUTH answered, #"
                + pair.ikeAuthAnsweredPacket() + ")"
                + (pair.answeredAfterAuth() > 0 ? " and answered " + Text.plural(pair.answeredAfterAuth(), "exchange")
                        + " after it" : "");
        List<Long> evidence = new ArrayList<>();
        evidence.add(pair.ikeAuthAnsweredPacket());
        evidence.addAll(pair.answeredAfterAuthPackets());
        String fix = "Allow ESP in both directions between " + pair.low() + " and " + pair.high() + " on every "
                + "firewall of the path: IP protocol 50 for raw ESP (iptables -A INPUT -p esp -s PEER -j ACCEPT; "
                + "ASA: access-list ... permit esp host A host B), UDP 4500 for ESP in UDP; or force UDP "
                + "encapsulation (encap = yes) where protocol 50 cannot pass.";
        if ((toHigh >= MIN_ONE_WAY && toLow == 0) || (toLow >= MIN_ONE_WAY && toHigh == 0)) {
            int d = toHigh > 0 ? 0 : 1;
            NetAddress from = d == 0 ? pair.low() : pair.high();
            NetAddress to = d == 0 ? pair.high() : pair.low();
            evidence.addAll(pair.espSample(d));
            String where = "";
            if (context.severalPoints()) {
                List<String> names = new ArrayList<>();
                for (ObservationPoint p : context.points.all()) {
                    if (p.index() < 64 && (pair.espPoints(d) & (1L << p.index())) != 0) {
                        names.add(p.name());
                    }
                }
                where = " (seen at " + String.join(", ", names) + ")";
            }
            out.add(Finding.of(ID, Severity.ERROR, ike + ", but ESP crossed in one direction only: "
                    + Text.plural(Math.max(toHigh, toLow), "packet") + " from " + from + " to " + to + where
                    + ", none from " + to + " to " + from, evidence,
                    "ESP from " + from + " does not reach " + to + ", or what " + to + " sends back is dropped before "
                            + "the capture point: a firewall or router passes IKE (UDP 500/4500) but not ESP (IP "
                            + "protocol 50, or UDP 4500 when encapsulated), or " + to + " has no matching SA for "
                            + "the SPI. (A tunnel whose traffic is one-way by nature, such as a UDP stream, looks "
                            + "the same.)",
                    fix));
        } else if (toHigh == 0 && toLow == 0 && pair.answeredAfterAuth() >= MIN_ANSWERED_WITHOUT_ESP
                && pair.childSaRefusedPacket() < 0) {
            // With keys, a Child SA refused in IKE_AUTH explains the silence: its own finding says why.
            out.add(Finding.of(ID, Severity.WARNING, ike + ", but no ESP crossed at all", evidence,
                    "ESP is dropped before the capture point in both directions (a firewall that passes UDP 500 but "
                            + "not IP protocol 50 or UDP 4500), or the tunnel carried no traffic while captured.",
                    fix));
        }
    }
}
