package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report as text: an outline of the capture, then IKE, ESP, keepalives, fragments, ICMP, findings. Listed
 * items are one line each (for grep); the findings are folded at {@value #WIDTH} columns.
 */
public final class TextReport {

    static final int WIDTH = 110;

    private final AnalysisReport r;
    private final StringBuilder out = new StringBuilder(4096);

    private TextReport(AnalysisReport report) {
        this.r = report;
    }

    public static String render(AnalysisReport report) {
        TextReport t = new TextReport(report);
        t.outline();
        t.ike();
        t.esp();
        t.keepalives();
        t.fragments();
        t.icmp();
        t.neighborDiscovery();
        t.findings();
        return t.out.toString();
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private String time(long nanos) {
        return String.format(Locale.ROOT, "%.6f", r.secondsOf(nanos));
    }

    private String at(ObservationPoint p) {
        return r.severalPoints() ? " [" + p.name() + "]" : "";
    }

    private void outline() {
        double span = r.packets() == 0 ? 0 : (r.lastTimeNanos() - r.firstTimeNanos()) / 1e9;
        StringBuilder sb = new StringBuilder("Capture: ").append(Text.plural(r.packets(), "packet"))
                .append(String.format(Locale.ROOT, " over %.3f s", span)).append(" (").append(r.ipPackets())
                .append(" IP, ").append(r.nonIpPackets()).append(" other, ").append(r.malformedPackets())
                .append(" malformed)");
        if (r.severalPoints()) {
            List<String> names = new ArrayList<>();
            r.points().forEach(p -> names.add(p.name()));
            sb.append("; ").append(r.points().size()).append(" observation points: ").append(String.join(", ", names));
        }
        line(sb.toString());
        if (r.internalErrors() > 0) {
            line("Internal errors: " + r.internalErrors() + " packets could not be analysed (first: "
                    + r.firstInternalError() + "); please report it");
        }
    }

    private void ike() {
        line("");
        line("IKE SAs: " + r.ikeSaCount() + " (" + Text.plural(r.ikeDatagrams(), "datagram") + ")"
                + (r.ikeSaCount() > r.ikeSas().size() ? ", first " + r.ikeSas().size() + " listed" : ""));
        for (IkeSaRecord sa : r.ikeSas()) {
            line("  " + (sa.majorVersion() == 2 ? "IKEv2 " : "IKEv1 ") + Text.spi64(sa.initiatorSpi()) + "_i "
                    + Text.spi64(sa.responderSpi()) + "_r  initiator " + sa.initiator() + ", responder "
                    + sa.responder());
            List<String> facts = new ArrayList<>();
            facts.add(Text.plural(sa.messageCount(), "message"));
            if (sa.majorVersion() == 2) {
                facts.add(Text.plural(sa.exchangesAnswered(), "exchange") + " answered, " + sa.exchangesUnanswered()
                        + " unanswered");
                facts.add(natText(sa));
                facts.add("IKE fragmentation (RFC 7383) " + (sa.initiatorFragmentationSupported()
                        && sa.responderFragmentationSupported() ? "supported by both" : sa.initiatorFragmentationSupported()
                        ? "offered by the initiator only" : sa.responderFragmentationSupported()
                        ? "offered by the responder only" : "not offered")
                        + (sa.ikeFragmentsUsed() ? ", used" : ""));
            }
            if (sa.floatPacket() > 0) {
                facts.add("NAT-T float to UDP 4500 at #" + sa.floatPacket());
            }
            if (sa.decryptedMessages() + sa.undecryptedMessages() > 0) {
                facts.add("keys: " + sa.decryptedMessages() + " protected datagrams decrypted"
                        + (sa.undecryptedMessages() > 0 ? ", " + sa.undecryptedMessages() + " not (first "
                        + sa.firstDecryptionFailure() + ")" : ""));
            }
            line("    " + String.join("; ", facts));
            for (IkeMessageSighting s : sa.messages()) {
                line("    " + message(s));
                if (s.opened() != null && s.opened().whole()) {
                    for (KeySource.InnerPayload p : s.opened().details()) {
                        line("        " + p.name() + " " + p.text());
                    }
                }
            }
            if (sa.messageCount() > sa.messages().size()) {
                line("    ... " + (sa.messageCount() - sa.messages().size()) + " more messages");
            }
        }
    }

    private static String natText(IkeSaRecord sa) {
        NatDetectionResult n = sa.natDetection();
        if (!n.evaluated()) {
            return "no NAT detection payloads seen";
        }
        if (!n.initiatorBehindNat() && !n.responderBehindNat()) {
            return "NAT detection: no NAT (the hashes match the addresses seen)";
        }
        List<String> sides = new ArrayList<>();
        if (n.initiatorBehindNat()) {
            sides.add("initiator");
        }
        if (n.responderBehindNat()) {
            sides.add("responder");
        }
        return "NAT detection: " + String.join(" and ", sides) + " behind NAT";
    }

    private String message(IkeMessageSighting s) {
        IkeDatagram d = s.datagram();
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(s.packet()).append(' ').append(time(s.timeNanos())).append(at(s.point())).append(' ')
                .append(IkeNames.exchange(d.majorVersion(), d.exchangeType()));
        if (d.v2()) {
            sb.append(d.response() ? " response" : " request").append(d.fromOriginalInitiator() ? " (I)" : " (R)");
        }
        sb.append(" msgid ").append(Integer.toUnsignedString(d.messageId())).append(' ').append(s.source())
                .append(" > ").append(s.destination());
        if (s.nonEspMarker()) {
            sb.append(" non-ESP marker");
        }
        sb.append(' ').append(d.declaredLength()).append(" B: ").append(PayloadChain.text(d, s.opened()));
        if (s.ipFragmented()) {
            sb.append(" [").append(s.ipFragmentsComplete() ? "" : "incomplete ").append("IP fragments ")
                    .append(Text.packets(s.ipFragmentPackets(), 8)).append(']');
        }
        if (s.retransmissionOf() > 0) {
            sb.append(" [retransmission of #").append(s.retransmissionOf()).append(']');
        }
        if (!s.icmpErrors().isEmpty()) {
            sb.append(" [ICMP error ").append(Text.packets(s.icmpErrors(), 4)).append(']');
        }
        if (d.problem() != null && d.complete()) {
            sb.append(" [malformed: ").append(d.problem()).append(']');
        }
        KeySource.OpenedIkeMessage opened = s.opened();
        if (opened != null && opened.failure() != null) {
            sb.append(" [not decrypted: ").append(opened.failure()).append(']');
        } else if (opened != null && opened.fragments() > 1) {
            sb.append(" [decrypted: ").append(opened.fragments()).append(" IKE fragments joined]");
        }
        return sb.toString();
    }

    private void esp() {
        line("");
        line("ESP flows: " + r.espFlowCount() + " (" + Text.plural(r.espPackets(), "packet") + ")"
                + (r.espFlowCount() > r.espFlows().size() ? ", first " + r.espFlows().size() + " listed" : ""));
        for (EspFlow f : r.espFlows()) {
            SequenceTracker s = f.sequences();
            StringBuilder sb = new StringBuilder(f.carrier()).append(" spi ").append(Text.spi32(f.key().spi()))
                    .append(' ').append(PmtuBlackHoleDetector.endpoints(f)).append(at(f.point())).append(": ")
                    .append(Text.plural(f.packets(), "packet")).append(", ").append(f.bytes()).append(" bytes, #")
                    .append(f.firstPacket()).append("-#").append(f.lastPacket()).append(", ")
                    .append(time(f.firstTime())).append("-").append(time(f.lastTime())).append(" s, seq ")
                    .append(s.first()).append('-').append(s.highest()).append(", ").append(s.missing())
                    .append(" missing, ").append(s.lateWithinWindow() + s.lateBeyondWindow()).append(" late (")
                    .append(s.lateBeyondWindow()).append(" beyond the 64 window), ").append(s.replayed())
                    .append(" replayed, largest ").append(f.maxSize()).append(" B");
            if (f.gsoSuperPackets() > 0) {
                sb.append(", ").append(f.gsoSuperPackets()).append(" GSO super-packets split");
            }
            if (f.reportedMtu() > 0) {
                sb.append(", path MTU ").append(f.reportedMtu()).append(" reported at #").append(f.reportedAtPacket());
            }
            if (f.decryptedPackets() > 0) {
                sb.append(", ").append(f.decryptedPackets()).append(" decrypted");
            }
            if (f.decryptionFailedPackets() > 0) {
                sb.append(", ").append(f.decryptionFailedPackets()).append(" not decrypted (")
                        .append(f.firstDecryptionFailure()).append(')');
            }
            line("  " + sb);
            f.innerFlows().forEach((flow, n) -> line("    inner " + flow + ": " + Text.plural(n, "packet")));
            if (f.otherInnerPackets() > 0) {
                line("    inner, other flows: " + Text.plural(f.otherInnerPackets(), "packet"));
            }
        }
    }

    private void keepalives() {
        if (r.keepaliveCount() == 0) {
            return;
        }
        line("");
        line("NAT keepalives: " + r.keepaliveCount());
        for (NatKeepalives.Stream k : r.keepalives()) {
            double every = k.meanIntervalSeconds();
            line("  " + k.source() + " > " + k.destination() + at(k.point()) + ": " + k.count()
                    + (every > 0 ? String.format(Locale.ROOT, ", every %.1f s", every) : "") + ", #" + k.firstPacket()
                    + "-#" + k.lastPacket());
        }
    }

    private void fragments() {
        if (r.fragmentTrainCount() == 0) {
            return;
        }
        line("");
        line("IP fragment trains: " + r.fragmentTrainCount() + " (" + r.fragmentTrainsComplete() + " complete, "
                + r.fragmentTrainsIncomplete() + " incomplete; " + Text.plural(r.fragmentPackets(), "fragment") + ")");
        for (FragmentTrain t : r.fragmentTrains()) {
            FragmentTrainTracker.Key k = t.key();
            StringBuilder sb = new StringBuilder(org.ipsec4j.wire.IpProtocol.name(k.protocol())).append(' ')
                    .append(k.source()).append(" > ").append(k.destination()).append(" id 0x")
                    .append(Integer.toHexString(k.identification())).append(at(t.point())).append(": ");
            List<String> parts = new ArrayList<>();
            for (FragmentTrain.Fragment f : t.fragments()) {
                parts.add("#" + f.packet() + " " + f.offset() + "-" + (f.offset() + f.length()) + (f.more() ? " MF" : ""));
            }
            sb.append(String.join(", ", parts));
            if (t.complete()) {
                sb.append("; complete (").append(t.totalLength()).append(" bytes)");
            } else {
                List<String> holes = new ArrayList<>();
                for (int[] h : t.missingRanges()) {
                    holes.add(h[1] < 0 ? "from " + h[0] + " (the last fragment)" : h[0] + "-" + h[1]);
                }
                sb.append("; ").append(stateText(t.state())).append(", missing bytes ").append(String.join(", ", holes));
            }
            if (t.ike() != null) {
                IkeDatagram d = t.ike().datagram();
                sb.append("; IKEv").append(d.majorVersion()).append(' ')
                        .append(IkeNames.exchange(d.majorVersion(), d.exchangeType()))
                        .append(d.v2() ? (d.response() ? " response" : " request") : "");
            }
            if (!t.icmpErrors().isEmpty()) {
                sb.append("; ICMP error ").append(Text.packets(t.icmpErrors(), 4));
            }
            line("  " + sb);
        }
    }

    private static String stateText(FragmentTrain.State s) {
        return switch (s) {
            case TIMED_OUT -> "timed out after " + FragmentTrainTracker.TIMEOUT_SECONDS + " s";
            case CAPTURE_ENDED -> "open when the capture ended";
            case EVICTED -> "dropped from a full table";
            default -> s.name().toLowerCase(Locale.ROOT);
        };
    }

    private void icmp() {
        if (r.icmpErrorCount() == 0) {
            return;
        }
        line("");
        line("ICMP errors: " + r.icmpErrorCount() + (r.icmpErrorCount() > r.icmpErrors().size()
                ? ", first " + r.icmpErrors().size() + " listed" : ""));
        for (IcmpError e : r.icmpErrors()) {
            StringBuilder sb = new StringBuilder("#").append(e.packet()).append(' ').append(time(e.timeNanos()))
                    .append(at(e.point())).append(e.v6() ? " ICMPv6 " : " ICMP ").append(e.description())
                    .append(" from ").append(e.reporter());
            if (e.quoted() != null) {
                sb.append(", quoting ").append(e.quoted().text());
                sb.append(e.quotedPacket() > 0 ? " (#" + e.quotedPacket() + ")" : " (not matched to a captured packet)");
            }
            line("  " + sb);
        }
    }

    private void neighborDiscovery() {
        if (r.neighborSolicitations() == 0 && r.neighborAdvertisements() == 0) {
            return;
        }
        line("");
        line("Neighbour discovery: " + Text.plural(r.neighborSolicitations(), "solicitation") + ", "
                + Text.plural(r.neighborAdvertisements(), "advertisement") + ", "
                + r.unansweredNeighborSolicitations().size() + " unanswered");
    }

    private void findings() {
        line("");
        long errors = r.findings().stream().filter(f -> f.severity() == Severity.ERROR).count();
        long warnings = r.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        long infos = r.findings().stream().filter(f -> f.severity() == Severity.INFO).count();
        line("Findings: " + Text.plural(errors, "error") + ", " + Text.plural(warnings, "warning") + ", " + infos
                + " info" + (r.findings().isEmpty() ? "" : ""));
        for (Finding f : r.findings()) {
            wrap("  ", "[" + f.severity().label() + "] " + f.id() + ": " + f.summary());
            wrap("      ", "packets: " + Text.packets(f.packets(), Finding.MAX_PACKETS)
                    + (f.morePackets() > 0 ? " and " + f.morePackets() + " more" : ""));
            wrap("      ", "cause: " + f.cause());
            wrap("      ", "fix: " + f.fix());
        }
        r.suppressedFindings().forEach((id, n) -> line("  ... " + n + " more " + id + " findings"));
    }

    /** Writes {@code text} indented, folded at {@link #WIDTH} columns on spaces; continuation lines get two more spaces. */
    private void wrap(String indent, String text) {
        String first = indent;
        String rest = indent + "  ";
        String prefix = first;
        int width = WIDTH - prefix.length();
        String remaining = text;
        while (remaining.length() > width) {
            int cut = remaining.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = remaining.indexOf(' ', width);
                if (cut < 0) {
                    break;
                }
            }
            line(prefix + remaining.substring(0, cut));
            remaining = remaining.substring(cut + 1);
            prefix = rest;
            width = WIDTH - prefix.length();
        }
        line(prefix + remaining);
    }
}
