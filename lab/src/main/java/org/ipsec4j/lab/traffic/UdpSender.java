package org.ipsec4j.lab.traffic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sends one UDP datagram whose payload is LENGTH bytes (0, 1, 2, ... modulo 256), letting the kernel
 * fragment it if it exceeds the path MTU.
 *
 * <p>Usage: {@code UdpSender ADDRESS PORT LENGTH [SOURCE_PORT]}.
 */
public final class UdpSender {

    private UdpSender() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: UdpSender ADDRESS PORT LENGTH [SOURCE_PORT]");
            System.exit(2);
        }
        InetAddress address = InetAddress.ofLiteral(args[0]);
        int port = Integer.parseInt(args[1]);
        byte[] payload = new byte[Integer.parseInt(args[2])];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        int sourcePort = args.length == 4 ? Integer.parseInt(args[3]) : 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(sourcePort))) {
            socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(address, port)));
            System.err.println("sent " + payload.length + " bytes from port " + socket.getLocalPort()
                    + " to " + address.getHostAddress() + " " + port);
        }
    }
}
