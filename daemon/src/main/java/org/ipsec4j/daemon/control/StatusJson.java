package org.ipsec4j.daemon.control;

import java.util.Map;
import java.util.TreeMap;

/** {@code ipsec4j status --json}: the {@link StatusReport} as one JSON object. */
public final class StatusJson {

    private StatusJson() {}

    public static String render(StatusReport report) {
        JsonWriter json = new JsonWriter().beginObject();
        StatusReport.DaemonSummary d = report.daemon();
        json.name("daemon").beginObject()
                .member("version", d.version())
                .member("pid", d.pid())
                .member("uptime_seconds", d.uptimeSeconds())
                .member("setkey_file", d.setkeyFile())
                .member("swanctl_file", report.ike() == null ? null : report.ike().swanctlFile())
                .member("tunnel", d.tunnel())
                .member("tunnel_mtu", d.tunnelMtu())
                .member("encapsulation", d.encapsulation())
                .member("routing_table", d.routingTable())
                .member("firewall_mark", d.firewallMark())
                .endObject();
        json.name("sas").beginArray();
        for (StatusReport.SaStatus sa : report.sas()) {
            json.beginObject()
                    .member("spi", sa.spiText())
                    .member("spi_value", sa.spi())
                    .member("direction", sa.direction())
                    .member("protocol", sa.protocol())
                    .member("mode", sa.mode())
                    .member("local", sa.localAddress())
                    .member("remote", sa.remoteAddress());
            json.name("udp_encapsulation");
            if (sa.udpLocalPort() != 0) {
                json.beginObject().member("local_port", sa.udpLocalPort()).member("remote_port", sa.udpRemotePort())
                        .endObject();
            } else {
                json.nullValue();
            }
            json.member("encryption", sa.encryption())
                    .member("integrity", sa.integrity());
            json.name("replay_window");
            if (sa.replayWindow() >= 0) {
                json.value(sa.replayWindow());
            } else {
                json.nullValue();
            }
            json.member("sequence_number", sa.sequenceNumber())
                    .member("state", sa.state())
                    .member("age_seconds", sa.ageSeconds())
                    .member("soft_lifetime", sa.softLifetime())
                    .member("hard_lifetime", sa.hardLifetime())
                    .member("bytes", sa.bytes())
                    .member("packets", sa.packets());
            drops(json, "drops", sa.drops());
            pathMtu(json, sa.pathMtu());
            json.member("setkey_line", sa.setkeyLine()).endObject();
        }
        json.endArray();
        json.name("policies").beginArray();
        for (StatusReport.PolicyStatus policy : report.policies()) {
            json.beginObject()
                    .member("direction", policy.direction())
                    .member("selector", policy.selector())
                    .member("action", policy.action())
                    .member("hits", policy.hits())
                    .member("sa", policy.boundSpi())
                    .member("setkey_line", policy.setkeyLine())
                    .endObject();
        }
        json.endArray();
        ike(json, report);
        json.name("fail_closed").beginArray();
        for (StatusReport.HeldPolicy p : report.failClosed()) {
            json.beginObject().member("name", p.name()).member("direction", "out").member("selector", p.selector())
                    .member("action", p.action()).member("hits", p.hits()).endObject();
        }
        json.endArray();
        StatusReport.GlobalCounters g = report.global();
        json.name("global").beginObject();
        json.name("outbound").beginObject().member("packets", g.outboundPackets()).member("bytes", g.outboundBytes());
        drops(json, "drops", g.outboundDrops());
        json.endObject();
        json.name("inbound").beginObject().member("packets", g.inboundPackets()).member("bytes", g.inboundBytes());
        drops(json, "drops", g.inboundDrops());
        json.endObject();
        json.member("bypassed", g.bypassed())
                .member("ike_messages", g.ikeMessages())
                .member("keepalives_sent", g.keepalivesSent())
                .member("keepalives_received", g.keepalivesReceived());
        drops(json, "path_mtu", g.pathMtu());
        json.endObject();
        return json.endObject().toString();
    }

    /** {@code ike}: the connections, or null without IKE; {@code ike_sas}: every IKE SA with its Child SAs. */
    private static void ike(JsonWriter json, StatusReport report) {
        json.name("ike");
        if (report.ike() == null) {
            json.nullValue();
        } else {
            json.beginObject().name("connections").beginArray();
            for (StatusReport.ConnectionSummary c : report.ike().connections()) {
                json.beginObject().member("name", c.name());
                strings(json, "local_addrs", c.localAddresses());
                strings(json, "remote_addrs", c.remoteAddresses());
                json.member("local_id", c.localId()).member("remote_id", c.remoteId())
                        .member("auth", c.authentication());
                strings(json, "children", c.children());
                json.endObject();
            }
            json.endArray().member("messages_dropped", report.ike().droppedMessages())
                    .member("cookies_demanded", report.ike().cookiesDemanded())
                    .member("half_open", report.ike().halfOpen()).endObject();
        }
        json.name("ike_sas").beginArray();
        for (StatusReport.IkeSaReport sa : report.ikeSas()) {
            json.beginObject()
                    .member("connection", sa.connection())
                    .member("state", sa.state())
                    .member("version", 2)
                    .member("initiator_spi", sa.initiatorSpi())
                    .member("responder_spi", sa.responderSpi())
                    .member("initiator", sa.initiator())
                    .member("local_host", sa.localAddress())
                    .member("local_port", sa.localPort())
                    .member("local_id", sa.localId())
                    .member("remote_host", sa.remoteAddress())
                    .member("remote_port", sa.remotePort())
                    .member("remote_id", sa.remoteId())
                    .member("algorithms", sa.algorithms())
                    .member("nat_local", sa.localBehindNat())
                    .member("nat_remote", sa.remoteBehindNat())
                    .member("udp_encapsulation", sa.udpEncapsulation())
                    .member("nat_fake", sa.natFaked())
                    .member("fragmentation", sa.fragmentation())
                    .member("local_virtual_ip", sa.localVirtualIp())
                    .member("remote_virtual_ip", sa.remoteVirtualIp())
                    .member("path_mtu", sa.pathMtu())
                    .member("path_mtu_state", sa.pathMtuState());
            json.name("child_sas").beginArray();
            for (StatusReport.ChildSaReport child : sa.children()) {
                json.beginObject()
                        .member("name", child.name())
                        .member("state", child.state())
                        .member("reqid", child.reqid())
                        .member("mode", child.mode())
                        .member("protocol", "ESP")
                        .member("spi_in", child.inboundSpi())
                        .member("spi_out", child.outboundSpi())
                        .member("algorithms", child.algorithms())
                        .member("udp_encapsulation", child.udpEncapsulation())
                        .member("bytes_in", child.inboundBytes())
                        .member("packets_in", child.inboundPackets())
                        .member("bytes_out", child.outboundBytes())
                        .member("packets_out", child.outboundPackets());
                pathMtu(json, child.pathMtu());
                strings(json, "local_ts", child.localSelectors());
                strings(json, "remote_ts", child.remoteSelectors());
                json.member("esp_path", child.espPathFailure() == null ? "ok" : "failed")
                        .member("esp_path_failure", child.espPathFailure());
                json.endObject();
            }
            json.endArray().endObject();
        }
        json.endArray();
    }

    /** {@code path_mtu}: null where not known (inbound SAs). */
    private static void pathMtu(JsonWriter json, StatusReport.PathMtuStatus p) {
        json.name("path_mtu");
        if (p == null) {
            json.value((String) null);
            return;
        }
        json.beginObject().member("current", p.current()).member("link", p.link()).member("learned", p.learned())
                .member("learned_seconds_ago", p.learnedSecondsAgo()).member("inner_mtu", p.innerMtu())
                .member("changes", p.changes()).member("probed", p.probed()).member("searching", p.searching())
                .member("search_base", p.searchBase()).endObject();
    }

    private static void strings(JsonWriter json, String name, java.util.List<String> values) {
        json.name(name).beginArray();
        values.forEach(json::value);
        json.endArray();
    }

    private static void drops(JsonWriter json, String name, Map<String, Long> drops) {
        json.name(name).beginObject();
        new TreeMap<>(drops).forEach(json::member);
        json.endObject();
    }
}
