package org.ipsec4j.lab.traffic;

import java.net.InetAddress;

/** One line of {@link UdpSink} output: a datagram's payload length and where it came from. */
public record ReceivedDatagram(int length, InetAddress source, int sourcePort) {

    /** Parses {@code <length> <source address> <source port>}. */
    public static ReceivedDatagram parse(String sinkLine) {
        String[] fields = sinkLine.strip().split(" ");
        if (fields.length != 3) {
            throw new IllegalArgumentException("not a UdpSink line: " + sinkLine);
        }
        return new ReceivedDatagram(Integer.parseInt(fields[0]), InetAddress.ofLiteral(fields[1]),
                Integer.parseInt(fields[2]));
    }

    /** String of the form written by {@link UdpSink}. */
    String toSinkLine() {
        return length + " " + source.getHostAddress() + " " + sourcePort;
    }
}
