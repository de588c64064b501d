package org.ipsec4j.lab.traffic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.ipsec4j.wire.BigEndian;

/**
 * Sends one UDP datagram whose payload is LENGTH bytes, letting the kernel fragment it if it exceeds the
 * path MTU.
 *
 * <p>Usage: {@code UdpSender ADDRESS PORT LENGTH [SOURCE_PORT [counting|ike]]}. The payload is
 * {@code counting} (0, 1, 2, ... modulo 256) by default; {@code ike} makes it look like an IKEv2 IKE_AUTH
 * request (RFC 7296 §3.1 header and an SK payload header, random-looking contents), preceded by the
 * four-byte non-ESP marker when sent to port 4500 (RFC 3948 §2.2), so decoders show what a real IKE
 * message of that size would look like on the wire.
 */
public final class UdpSender {

    private static final int NAT_T_PORT = 4500;
    private static final int IKE_HEADER_LENGTH = 28;
    private static final int NEXT_PAYLOAD_SK = 46;
    private static final int NEXT_PAYLOAD_IDI = 35;
    private static final int IKE_VERSION_2 = 0x20;
    private static final int EXCHANGE_IKE_AUTH = 35;
    private static final int FLAG_INITIATOR = 0x08;

    private UdpSender() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: UdpSender ADDRESS PORT LENGTH [SOURCE_PORT [counting|ike]]");
            System.exit(2);
        }
        InetAddress address = InetAddress.ofLiteral(args[0]);
        int port = Integer.parseInt(args[1]);
        byte[] payload = new byte[Integer.parseInt(args[2])];
        int sourcePort = args.length >= 4 ? Integer.parseInt(args[3]) : 0;
        String kind = args.length == 5 ? args[4] : "counting";
        switch (kind) {
            case "counting" -> fillCounting(payload);
            case "ike" -> fillIkeAuthRequest(payload, port == NAT_T_PORT);
            default -> {
                System.err.println("unknown payload kind " + kind + " (counting or ike)");
                System.exit(2);
            }
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(sourcePort))) {
            socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(address, port)));
            System.err.println("sent " + payload.length + " bytes from port " + socket.getLocalPort()
                    + " to " + address.getHostAddress() + " " + port);
        }
    }

    static void fillCounting(byte[] payload) {
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
    }

    static void fillIkeAuthRequest(byte[] payload, boolean nonEspMarker) {
        int at = nonEspMarker ? 4 : 0;
        int ikeLength = payload.length - at;
        if (ikeLength < IKE_HEADER_LENGTH + 4) {
            throw new IllegalArgumentException("an IKE message needs at least " + (at + IKE_HEADER_LENGTH + 4) + " bytes");
        }
        // Contents first (a fixed pseudo-random sequence stands in for ciphertext), headers over them.
        long state = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < payload.length; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            payload[i] = (byte) state;
        }
        for (int i = 0; i < at; i++) {
            payload[i] = 0;
        }
        payload[at + 16] = (byte) NEXT_PAYLOAD_SK;
        payload[at + 17] = (byte) IKE_VERSION_2;
        payload[at + 18] = (byte) EXCHANGE_IKE_AUTH;
        payload[at + 19] = (byte) FLAG_INITIATOR;
        BigEndian.put32(payload, at + 20, 1);
        BigEndian.put32(payload, at + 24, ikeLength);
        int sk = at + IKE_HEADER_LENGTH;
        payload[sk] = (byte) NEXT_PAYLOAD_IDI;
        payload[sk + 1] = 0;
        int skLength = ikeLength - IKE_HEADER_LENGTH;
        BigEndian.put16(payload, sk + 2, skLength);
    }
}
