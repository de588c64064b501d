package org.ipsec4j.lab.traffic;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Receives UDP datagrams and prints one line per datagram to standard output:
 * {@code <payload length> <source address> <source port>}. Announces {@code listening on ADDRESS PORT} on
 * standard error once bound, so a test can wait for that before sending.
 *
 * <p>Usage: {@code UdpSink BIND_ADDRESS PORT TIMEOUT_MILLIS [MAX_DATAGRAMS]}. BIND_ADDRESS {@code ::} takes
 * IPv4 and IPv6. It exits after TIMEOUT_MILLIS, or as soon as MAX_DATAGRAMS have arrived.
 */
public final class UdpSink {

    private static final int LARGEST_UDP_PAYLOAD = 65_535;

    private UdpSink() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: UdpSink BIND_ADDRESS PORT TIMEOUT_MILLIS [MAX_DATAGRAMS]");
            System.exit(2);
        }
        InetAddress bindAddress = InetAddress.ofLiteral(args[0]);
        int port = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000;
        long maxDatagrams = args.length == 4 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bindAddress, port))) {
            System.err.println("listening on " + bindAddress.getHostAddress() + " " + port);
            byte[] buffer = new byte[LARGEST_UDP_PAYLOAD];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            long received = 0;
            while (received < maxDatagrams) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
                packet.setLength(buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                received++;
                out.println(new ReceivedDatagram(packet.getLength(), packet.getAddress(), packet.getPort()).toSinkLine());
            }
            System.err.println("received " + received + " datagrams");
        }
    }
}
