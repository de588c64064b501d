package org.ipsec4j.lab;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One flow conntrack tracks, as {@code conntrack -L} prints it: the original direction (as the inside host sent
 * it) and the reply direction (as the outside host answers it). On a NAT router the reply direction's
 * destination is the mapping: the outside address and port the flow was given.
 *
 * @param secondsLeft how long the flow (and its NAT mapping) lives on without another packet
 */
public record ConntrackEntry(String protocol, int secondsLeft, String source, int sourcePort, String destination,
        int destinationPort, String mappedAddress, int mappedPort, String line) {

    // "udp 17 29 src=A dst=B sport=P dport=Q [UNREPLIED] src=B dst=M sport=Q dport=N [ASSURED] mark=0 use=1"
    private static final Pattern LINE = Pattern.compile("^(\\w+)\\s+\\d+\\s+(\\d+)\\s+"
            + "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) (?:\\[\\w+\\] )?"
            + "src=\\S+ dst=(\\S+) sport=\\d+ dport=(\\d+)");

    /** The entry on one line of {@code conntrack -L} output, or empty for other lines (e.g. ICMP's). */
    public static Optional<ConntrackEntry> parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new ConntrackEntry(m.group(1), Integer.parseInt(m.group(2)), m.group(3),
                Integer.parseInt(m.group(5)), m.group(4), Integer.parseInt(m.group(6)), m.group(7),
                Integer.parseInt(m.group(8)), line.strip()));
    }
}
