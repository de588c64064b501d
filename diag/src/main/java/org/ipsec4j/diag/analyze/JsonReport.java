package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/** The report as one JSON object, with the same content as {@link TextReport}. */
public final class JsonReport {

    private final AnalysisReport r;
    private final JsonWriter w;

    private JsonReport(AnalysisReport report, StringBuilder out) {
        this.r = report;
        this.w = new JsonWriter(out);
    }

    public static String render(AnalysisReport report) {
        StringBuilder out = new StringBuilder(4096);
        new JsonReport(report, out).write();
        return out.append('\n').toString();
    }

    private double t(long nanos) {
        return r.secondsOf(nanos);
    }

    private void write() {
        w.beginObject();
        w.name("capture").beginObject()
                .field("packets", r.packets()).field("ip_packets", r.ipPackets()).field("non_ip_packets", r.nonIpPackets())
                .field("malformed_packets", r.malformedPackets())
                .field("internal_errors", r.internalErrors()).field("first_internal_error", r.firstInternalError())
                .field("first_time_epoch_ns", r.firstTimeNanos()).field("duration_s", r.packets() == 0 ? 0.0
                        : (r.lastTimeNanos() - r.firstTimeNanos()) / 1e9);
        w.name("observation_points").beginArray();
        for (ObservationPoint p : r.points()) {
            w.beginObject().field("index", p.index()).field("name", p.name()).field("interface_id", p.interfaceId())
                    .field("interface_name", p.interfaceName()).field("ifindex", p.ifIndex())
                    .field("outgoing", p.outgoing()).endObject();
        }
        w.endArray().endObject();
        ike();
        esp();
        keepalives();
        fragments();
        icmp();
        w.name("neighbor_discovery").beginObject().field("solicitations", r.neighborSolicitations())
                .field("advertisements", r.neighborAdvertisements())
                .field("unanswered_episodes", r.unansweredNeighborSolicitations().size()).endObject();
        findings();
        w.endObject();
    }

    private void ike() {
        w.field("ike_sa_count", r.ikeSaCount()).field("ike_datagrams", r.ikeDatagrams());
        w.name("ike_sas").beginArray();
        for (IkeSaRecord sa : r.ikeSas()) {
            w.beginObject().field("version", sa.majorVersion())
                    .field("initiator_spi", Text.spi64(sa.initiatorSpi()))
                    .field("responder_spi", Text.spi64(sa.responderSpi()))
                    .field("initiator", String.valueOf(sa.initiator())).field("responder", String.valueOf(sa.responder()))
                    .field("message_count", sa.messageCount()).field("first_packet", sa.firstPacket())
                    .field("last_packet", sa.lastPacket())
                    .field("exchanges_answered", sa.exchangesAnswered())
                    .field("exchanges_unanswered", sa.exchangesUnanswered())
                    .field("nat_t_float_packet", sa.floatPacket())
                    .field("ike_fragmentation_initiator", sa.initiatorFragmentationSupported())
                    .field("ike_fragmentation_responder", sa.responderFragmentationSupported())
                    .field("ike_fragments_used", sa.ikeFragmentsUsed());
            if (sa.decryptedMessages() + sa.undecryptedMessages() > 0) {
                // Only where keys were known: without --keys the output is as it was.
                w.field("decrypted_messages", sa.decryptedMessages())
                        .field("undecrypted_messages", sa.undecryptedMessages())
                        .field("first_decryption_failure", sa.firstDecryptionFailure());
            }
            NatDetectionResult n = sa.natDetection();
            w.name("nat_detection").beginObject().field("evaluated", n.evaluated())
                    .field("initiator_behind_nat", n.initiatorBehindNat()).field("responder_behind_nat", n.responderBehindNat())
                    .field("request_source_matches", n.requestSourceMatches())
                    .field("request_destination_matches", n.requestDestinationMatches())
                    .field("response_source_matches", n.responseSourceMatches())
                    .field("response_destination_matches", n.responseDestinationMatches())
                    .field("request_packet", n.requestPacket()).field("response_packet", n.responsePacket()).endObject();
            w.name("exchanges").beginArray();
            for (IkeExchange e : sa.exchanges()) {
                List<Long> requests = new ArrayList<>();
                e.requests().forEach(s -> requests.add(s.packet()));
                List<Long> responses = new ArrayList<>();
                e.responses().forEach(s -> responses.add(s.packet()));
                w.beginObject().field("exchange", IkeNames.exchange(2, e.exchangeType())).field("message_id", e.messageId())
                        .field("started_by_initiator", e.startedByInitiator()).field("answered", e.answered())
                        .field("request_transmissions", e.requestTransmissions())
                        .field("request_ip_fragmented", e.requestIpFragmented())
                        .field("response_ip_fragmented", e.responseIpFragmented())
                        .packets("request_packets", requests).packets("response_packets", responses).endObject();
            }
            w.endArray();
            w.name("messages").beginArray();
            for (IkeMessageSighting s : sa.messages()) {
                IkeDatagram d = s.datagram();
                w.beginObject().field("packet", s.packet()).field("time", t(s.timeNanos()))
                        .field("point", s.point().index())
                        .field("exchange", IkeNames.exchange(d.majorVersion(), d.exchangeType()))
                        .field("exchange_type", d.exchangeType()).field("message_id", Integer.toUnsignedLong(d.messageId()))
                        .field("flags", d.flags());
                if (d.v2()) {
                    w.field("response", d.response()).field("from_initiator", d.fromOriginalInitiator());
                }
                w.field("initiator_spi", Text.spi64(d.initiatorSpi())).field("responder_spi", Text.spi64(d.responderSpi()))
                        .field("source", s.source().toString()).field("destination", s.destination().toString())
                        .field("non_esp_marker", s.nonEspMarker()).field("length", d.declaredLength())
                        .strings("payloads", PayloadChain.names(d, s.opened()));
                List<String> notifies = new ArrayList<>();
                d.notifies().forEach(n2 -> notifies.add(IkeNames.notify(d.majorVersion(), n2)));
                w.strings("notifies", notifies);
                if (d.fragmentTotal() > 0) {
                    w.name("ike_fragment").beginObject().field("number", d.fragmentNumber())
                            .field("total", d.fragmentTotal()).endObject();
                }
                w.field("ip_fragmented", s.ipFragmented()).packets("ip_fragment_packets", s.ipFragmentPackets())
                        .field("retransmission_of", s.retransmissionOf()).packets("icmp_errors", s.icmpErrors())
                        .field("problem", d.problem());
                decrypted(s.opened());
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
    }

    /** What the keys made of a protected message: its inner payloads, or why it stayed closed. */
    private void decrypted(KeySource.OpenedIkeMessage opened) {
        if (opened == null) {
            return;
        }
        if (opened.failure() != null) {
            w.field("decryption_failure", opened.failure());
            return;
        }
        if (!opened.whole()) {
            w.field("decrypted_fragment_held", true);
            return;
        }
        w.name("decrypted").beginObject().field("fragments", opened.fragments());
        w.name("payloads").beginArray();
        for (KeySource.InnerPayload p : opened.details()) {
            w.beginObject().field("payload", p.name()).field("text", p.text()).endObject();
        }
        w.endArray();
        List<String> notifies = new ArrayList<>();
        opened.innerNotifies().forEach(n -> notifies.add(IkeNames.notify(2, n)));
        w.strings("notifies", notifies).endObject();
    }

    private void esp() {
        w.field("esp_flow_count", r.espFlowCount()).field("esp_packets", r.espPackets());
        w.name("esp_flows").beginArray();
        for (EspFlow f : r.espFlows()) {
            EspFlow.Key k = f.key();
            SequenceTracker s = f.sequences();
            w.beginObject().field("carrier", f.carrier()).field("spi", Text.spi32(k.spi()))
                    .field("source", k.source().toString()).field("destination", k.destination().toString())
                    .field("source_port", k.sourcePort()).field("destination_port", k.destinationPort())
                    .field("point", f.point().index()).field("packets", f.packets()).field("bytes", f.bytes())
                    .field("first_packet", f.firstPacket()).field("last_packet", f.lastPacket())
                    .field("first_time", t(f.firstTime())).field("last_time", t(f.lastTime()))
                    .field("first_sequence", s.first()).field("highest_sequence", s.highest())
                    .field("missing", s.missing()).field("late_within_window", s.lateWithinWindow())
                    .field("late_beyond_window", s.lateBeyondWindow()).field("replayed", s.replayed())
                    .field("largest_packet", f.maxSize()).field("gso_super_packets", f.gsoSuperPackets())
                    .field("reported_mtu", f.reportedMtu()).field("decrypted_packets", f.decryptedPackets());
            if (f.decryptedPackets() + f.decryptionFailedPackets() > 0) {
                w.field("decryption_failed_packets", f.decryptionFailedPackets())
                        .field("first_decryption_failure", f.firstDecryptionFailure());
                w.name("inner_flows").beginArray();
                f.innerFlows().forEach((flow, n) -> w.beginObject().field("flow", flow).field("packets", n).endObject());
                w.endArray().field("other_inner_packets", f.otherInnerPackets());
            }
            w.endObject();
        }
        w.endArray();
    }

    private void keepalives() {
        w.field("nat_keepalive_count", r.keepaliveCount());
        w.name("nat_keepalives").beginArray();
        for (NatKeepalives.Stream k : r.keepalives()) {
            w.beginObject().field("source", k.source().toString()).field("destination", k.destination().toString())
                    .field("point", k.point().index()).field("count", k.count())
                    .field("mean_interval_s", k.meanIntervalSeconds()).field("first_packet", k.firstPacket())
                    .field("last_packet", k.lastPacket()).endObject();
        }
        w.endArray();
    }

    private void fragments() {
        w.name("fragment_trains").beginObject().field("count", r.fragmentTrainCount())
                .field("complete", r.fragmentTrainsComplete()).field("incomplete", r.fragmentTrainsIncomplete())
                .field("fragments", r.fragmentPackets());
        w.name("listed").beginArray();
        for (FragmentTrain t : r.fragmentTrains()) {
            FragmentTrainTracker.Key k = t.key();
            w.beginObject().field("protocol", k.protocol()).field("source", k.source().toString())
                    .field("destination", k.destination().toString()).field("identification", Integer.toUnsignedLong(k.identification()))
                    .field("point", t.point().index()).field("state", t.state().name().toLowerCase(java.util.Locale.ROOT))
                    .field("total_length", t.totalLength());
            w.name("fragments").beginArray();
            for (FragmentTrain.Fragment f : t.fragments()) {
                w.beginObject().field("packet", f.packet()).field("offset", f.offset()).field("length", f.length())
                        .field("more", f.more()).endObject();
            }
            w.endArray();
            w.name("missing").beginArray();
            for (int[] h : t.missingRanges()) {
                w.beginObject().field("start", h[0]).field("end", h[1]).endObject();
            }
            w.endArray();
            w.field("ike_packet", t.ike() == null ? -1 : t.ike().packet()).packets("icmp_errors", t.icmpErrors());
            w.endObject();
        }
        w.endArray().endObject();
    }

    private void icmp() {
        w.field("icmp_error_count", r.icmpErrorCount());
        w.name("icmp_errors").beginArray();
        for (IcmpError e : r.icmpErrors()) {
            w.beginObject().field("packet", e.packet()).field("time", t(e.timeNanos())).field("point", e.point().index())
                    .field("family", e.v6() ? "IPv6" : "IPv4").field("type", e.type()).field("code", e.code())
                    .field("description", e.description()).field("reporter", e.reporter().toString())
                    .field("mtu", e.mtu()).field("quoted_packet", e.quotedPacket());
            QuotedPacket q = e.quoted();
            if (q != null) {
                w.name("quoted").beginObject().field("kind", q.kind().label()).field("text", q.text())
                        .field("source", q.source().toString()).field("destination", q.destination().toString())
                        .field("protocol", q.protocol()).field("source_port", q.sourcePort())
                        .field("destination_port", q.destinationPort()).field("spi", q.spi() == 0 ? null : Text.spi32(q.spi()))
                        .endObject();
            }
            w.endObject();
        }
        w.endArray();
    }

    private void findings() {
        w.name("findings").beginArray();
        for (Finding f : r.findings()) {
            w.beginObject().field("id", f.id()).field("severity", f.severity().label()).field("summary", f.summary())
                    .packets("packets", f.packets()).field("more_packets", f.morePackets())
                    .field("cause", f.cause()).field("fix", f.fix()).endObject();
        }
        w.endArray();
        w.name("suppressed_findings").beginObject();
        r.suppressedFindings().forEach((id, n) -> w.field(id, n.longValue()));
        w.endObject();
    }
}
