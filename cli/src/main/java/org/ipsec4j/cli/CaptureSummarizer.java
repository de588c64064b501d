package org.ipsec4j.cli;

import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.NetworkPayload;

/**
 * One line per captured packet, then a line of totals:
 *
 * <pre>
 * 1 0.000000 IP6 2001:db8::1 &gt; 2001:db8::2 frag id 0x5efa507c off 0 len 1232 MF, UDP 4500 &gt; 4500 len 1588 ipsec-nat-t: ...
 * 2 0.000025 IP6 2001:db8::1 &gt; 2001:db8::2 frag id 0x5efa507c off 1232 len 376, non-initial fragment of UDP
 * 3 0.000150 IP6 2001:db8::2 &gt; 2001:db8::1 ICMP6 port unreachable, quoting: IP6 2001:db8::1 &gt; ...
 * 3 packets, 2 fragments, 1 ICMP error, 0 malformed
 * </pre>
 *
 * <p>Each line holds the packet's number, its time in seconds.microseconds since the first packet, the
 * interface when the capture has more than one (see {@link InterfaceColumn}), then {@link PacketSummary}'s
 * text. State is a few counters: memory stays the same however long the capture.
 */
final class CaptureSummarizer {

    private final InterfaceColumn interfaceColumn;
    private final PacketSummary packetSummary = new PacketSummary();
    private final StringBuilder line = new StringBuilder(256);

    private long packets;
    private long fragments;
    private long icmpErrors;
    private long malformed;
    private long firstTimestampNanos;

    CaptureSummarizer(InterfaceColumn interfaceColumn) {
        this.interfaceColumn = interfaceColumn;
    }

    /**
     * The line for the next packet of the capture.
     *
     * @param interfaceName the pcapng if_name of the packet's interface, or "" if it has none
     */
    String summarize(CapturedPacket packet, String interfaceName) {
        try {
            return summarizeOrThrow(packet, interfaceName);
        } catch (RuntimeException e) {
            // A bug here must not end the summary: say so on this packet's line and go on.
            malformed++;
            return line.append(" [internal error: ").append(e).append(']').toString();
        }
    }

    private String summarizeOrThrow(CapturedPacket packet, String interfaceName) {
        packets++;
        if (packets == 1) {
            firstTimestampNanos = packet.timestampNanos();
        }
        line.setLength(0);
        line.append(packets).append(' ');
        appendRelativeTime(line, packet.timestampNanos() - firstTimestampNanos);
        NetworkPayload payload;
        try {
            payload = packet.network();
        } catch (MalformedPacketException e) {
            appendInterface(packet, interfaceName, -1);
            malformed++;
            line.append(" [malformed: ").append(e.field()).append(" at frame offset ").append(e.offset())
                    .append(": ").append(e.reason()).append(']');
            return line.toString();
        }
        appendInterface(packet, interfaceName, payload.ifIndex());
        line.append(' ');
        boolean cut = packet.truncated();
        switch (payload.protocol()) {
            case IPV4 -> packetSummary.appendIpv4(line, packet.data(), payload.offset(), payload.length(), cut);
            case IPV6 -> packetSummary.appendIpv6(line, packet.data(), payload.offset(), payload.length(), cut);
            case OTHER -> {
                line.append("non-IP");
                if (payload.etherType() >= 0) {
                    line.append(" ethertype 0x").append(hex4(payload.etherType()));
                }
                line.append(" len ").append(payload.length());
                return line.toString();
            }
        }
        if (cut) {
            line.append(" [captured ").append(packet.data().length).append(" of ").append(packet.originalLength())
                    .append(" bytes]");
        }
        if (packetSummary.wasFragment()) {
            fragments++;
        }
        if (packetSummary.wasIcmpError()) {
            icmpErrors++;
        }
        if (packetSummary.wasMalformed()) {
            malformed++;
        }
        return line.toString();
    }

    private void appendInterface(CapturedPacket packet, String interfaceName, int ifIndex) {
        if (!interfaceColumn.shown()) {
            return;
        }
        if (interfaceColumn.byCaptureInterface()) {
            line.append(' ').append(interfaceName.isEmpty() ? "if " + packet.interfaceId() : interfaceName);
        }
        if (ifIndex >= 0) {
            line.append(" ifindex ").append(ifIndex);
        }
    }

    /** {@code 12.000345}, or {@code -0.000012} for a packet stamped before the first one. */
    static void appendRelativeTime(StringBuilder sb, long nanos) {
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        long micros = nanos / 1_000;
        String fraction = Long.toString(micros % 1_000_000);
        sb.append(micros / 1_000_000).append('.').append("0".repeat(6 - fraction.length())).append(fraction);
    }

    /** {@code 3 packets, 2 fragments, 1 ICMP error, 0 malformed}. */
    String totals() {
        return plural(packets, "packet") + ", " + plural(fragments, "fragment") + ", "
                + plural(icmpErrors, "ICMP error") + ", " + malformed + " malformed";
    }

    long packets() {
        return packets;
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static String hex4(int value) {
        String digits = Integer.toHexString(value);
        return "0".repeat(Math.max(0, 4 - digits.length())) + digits;
    }
}
