package org.ipsec4j.linux;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raw ESP and AH sockets between two namespaces (the kernel has no ESP of its own here: it only delivers). */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawIpSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** An ESP-looking payload: SPI, sequence number, then opaque bytes (RFC 4303 §2). */
    private static byte[] espPayload(int spi, int sequence, int length) {
        byte[] data = TwoHosts.payload(sequence, length);
        for (int i = 0; i < 4; i++) {
            data[i] = (byte) (spi >>> (24 - 8 * i));
            data[4 + i] = (byte) (sequence >>> (24 - 8 * i));
        }
        return data;
    }

    @Test
    void ipv4EspArrivesWithItsIpHeaderInBatches(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (RawIpSocket receiver = net.netnsB().call(() -> RawIpSocket.open(INET, RawIpSocket.ESP));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET, RawIpSocket.ESP));
             DatagramBatch out = DatagramBatch.allocate(16, 2048);
             DatagramBatch in = DatagramBatch.allocate(32, 2048)) {
            assertEquals(50, receiver.protocol());
            receiver.setReceivePacketInfo(true);
            SocketEndpoint b = SocketEndpoint.of("192.0.2.2", 0);
            byte[][] sent = new byte[16][];
            for (int i = 0; i < 16; i++) {
                sent[i] = espPayload(0x1000, i + 1, 40 + i * 80);
                out.add(sent[i], 0, sent[i].length, b);
            }
            assertEquals(16, sender.send(out));

            int got = 0;
            while (got < 16) {
                int n = receiver.receive(in, WAIT);
                for (int i = 0; i < n; i++, got++) {
                    byte[] packet = new byte[in.length(i)];
                    in.copy(i, packet, 0);
                    Ipv4Packet ip = Ipv4Packet.parse(packet, 0, packet.length);
                    assertEquals(RawIpSocket.ESP, ip.protocol());
                    assertEquals("192.0.2.1", Ipv4Packet.formatAddress(ip.sourceAddress()));
                    assertEquals("192.0.2.2", Ipv4Packet.formatAddress(ip.destinationAddress()));
                    assertArrayEquals(sent[got], Arrays.copyOfRange(packet, ip.payloadOffset(), packet.length));
                    assertEquals(SocketEndpoint.of("192.0.2.1", 0), in.source(i));
                    assertEquals(InetAddress.ofLiteral("192.0.2.2"), in.localAddress(i));
                }
            }
        }
    }

    @Test
    void ipv4EspWithOurOwnHeader(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (RawIpSocket receiver = net.netnsB().call(() -> RawIpSocket.open(INET, RawIpSocket.ESP));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET, RawIpSocket.ESP))) {
            sender.setHeaderIncluded(true);
            byte[] esp = espPayload(0xabcdef01, 9, 100);
            byte[] packet = new byte[20 + esp.length];
            // DSCP AF41 on the outer header, as the data plane copies it from the inner packet.
            Ipv4Packet.writeHeader(packet, 0, 0x88, packet.length, 0x1234, true, 17, RawIpSocket.ESP,
                    Ipv4Packet.parseAddress("192.0.2.1"), Ipv4Packet.parseAddress("192.0.2.2"));
            System.arraycopy(esp, 0, packet, 20, esp.length);
            sender.send(packet, 0, packet.length, SocketEndpoint.of("192.0.2.2", 0));

            byte[] buf = new byte[2048];
            int n = receiver.receive(buf, 0, buf.length, WAIT);
            Ipv4Packet ip = Ipv4Packet.parse(buf, 0, n);
            assertEquals(0x88, ip.typeOfService());
            assertEquals(17, ip.ttl());
            assertEquals(0x1234, ip.identification());
            assertArrayEquals(esp, Arrays.copyOfRange(buf, 20, n));
        }
    }

    @Test
    void ipv6EspArrivesWithoutHeaderWithAddressesFromTheBatch(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (RawIpSocket receiver = net.netnsB().call(() -> RawIpSocket.open(INET6, RawIpSocket.ESP));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET6, RawIpSocket.ESP));
             DatagramBatch out = DatagramBatch.allocate(8, 2048);
             DatagramBatch in = DatagramBatch.allocate(8, 2048)) {
            receiver.setReceivePacketInfo(true);
            receiver.bind(SocketEndpoint.of("2001:db8:1::2", 0));
            SocketEndpoint b = SocketEndpoint.of("2001:db8:1::2", 0);
            byte[][] sent = new byte[8][];
            for (int i = 0; i < 8; i++) {
                sent[i] = espPayload(0x2000, i + 1, 1200 + i);
                out.add(sent[i], 0, sent[i].length, b);
            }
            assertEquals(8, sender.send(out));
            int got = 0;
            while (got < 8) {
                int n = receiver.receive(in, WAIT);
                for (int i = 0; i < n; i++, got++) {
                    byte[] payload = new byte[in.length(i)];
                    in.copy(i, payload, 0);
                    assertArrayEquals(sent[got], payload);
                    assertEquals(InetAddress.ofLiteral("2001:db8:1::1"), in.source(i).address());
                    assertEquals(InetAddress.ofLiteral("2001:db8:1::2"), in.localAddress(i));
                }
            }
        }
    }

    @Test
    void ipv6WithOurOwnHeaderKeepsTrafficClassFlowLabelAndHopLimit(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (RawIpSocket receiver = net.netnsB().call(() -> RawIpSocket.open(INET6, RawIpSocket.AH));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET6, RawIpSocket.AH));
             DatagramBatch in = DatagramBatch.allocate(4, 2048)) {
            sender.setHeaderIncluded(true);
            receiver.setReceiveTrafficClass(true);
            byte[] ah = espPayload(0x4000, 3, 64);
            byte[] packet = new byte[40 + ah.length];
            byte[] source = InetAddress.ofLiteral("2001:db8:1::1").getAddress();
            byte[] destination = InetAddress.ofLiteral("2001:db8:1::2").getAddress();
            Ipv6Packet.writeHeader(packet, 0, 0xB8 | 0x2, 0x12345, ah.length, RawIpSocket.AH, 7, source, 0,
                    destination, 0);
            System.arraycopy(ah, 0, packet, 40, ah.length);
            sender.send(packet, 0, packet.length, SocketEndpoint.of("2001:db8:1::2", 0));
            assertEquals(1, receiver.receive(in, WAIT));
            byte[] payload = new byte[in.length(0)];
            in.copy(0, payload, 0);
            assertArrayEquals(ah, payload);
            assertEquals(0xBA, in.trafficClass(0), "EF and ECT(0) as we wrote them");
            assertEquals(InetAddress.ofLiteral("2001:db8:1::1"), in.source(0).address());
        }
        // The kernel's own header otherwise, with a traffic class per datagram (IPV6_TCLASS).
        try (RawIpSocket receiver = net.netnsB().call(() -> RawIpSocket.open(INET6, RawIpSocket.ESP));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET6, RawIpSocket.ESP));
             DatagramBatch out = DatagramBatch.allocate(2, 2048);
             DatagramBatch in = DatagramBatch.allocate(4, 2048)) {
            receiver.setReceiveTrafficClass(true);
            byte[] esp = espPayload(0x5000, 1, 80);
            out.add(esp, 0, esp.length, SocketEndpoint.of("2001:db8:1::2", 0), 0x88 | 0x1);
            out.add(esp, 0, esp.length, SocketEndpoint.of("2001:db8:1::2", 0), 0x03);
            assertEquals(2, sender.send(out));
            int got = 0;
            int[] expected = {0x89, 0x03};
            while (got < 2) {
                int n = receiver.receive(in, WAIT);
                for (int i = 0; i < n; i++, got++) {
                    assertEquals(expected[got], in.trafficClass(i));
                }
            }
        }
    }

    @Test
    void ahSocketsSeeOnlyAh(Lab lab) throws Exception {
        TwoHosts net = TwoHosts.build(lab, 1500);
        try (RawIpSocket ah = net.netnsB().call(() -> RawIpSocket.open(INET, RawIpSocket.AH));
             RawIpSocket esp = net.netnsB().call(() -> RawIpSocket.open(INET, RawIpSocket.ESP));
             RawIpSocket sender = net.netnsA().call(() -> RawIpSocket.open(INET, RawIpSocket.AH))) {
            byte[] data = espPayload(0x3000, 1, 64);
            sender.send(data, 0, data.length, SocketEndpoint.of("192.0.2.2", 0));
            byte[] buf = new byte[2048];
            int n = ah.receive(buf, 0, buf.length, WAIT);
            assertEquals(20 + 64, n);
            assertEquals(RawIpSocket.AH, buf[9]);
            assertThrows(java.nio.channels.InterruptedByTimeoutException.class,
                    () -> esp.receive(buf, 0, buf.length, Duration.ofMillis(100)));
            assertTrue(ah.isOpen());
        }
    }
}
