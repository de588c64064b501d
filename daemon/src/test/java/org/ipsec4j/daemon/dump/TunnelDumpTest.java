package org.ipsec4j.daemon.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.sa.Endpoint;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One dump's files, fed directly: what goes in comes out of our capture reader as IP packets with valid UDP
 * checksums (and the non-ESP marker on port 4500), keys go to the key log and the Wireshark tables and their
 * copies are zeroed, SPIs are watched, and the files are secrets where they hold keys.
 */
class TunnelDumpTest {

    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();

    private static final Endpoint LEFT_500 = new Endpoint(IpAddress.parse("192.0.2.1"), 500);
    private static final Endpoint RIGHT_500 = new Endpoint(IpAddress.parse("192.0.2.2"), 500);
    private static final Endpoint LEFT_4500 = LEFT_500.withPort(4500);
    private static final Endpoint RIGHT_4500 = RIGHT_500.withPort(4500);

    @Test
    void whatGoesInComesOutOfTheFiles() throws Exception {
        TunnelDumps dumps = new TunnelDumps(log::add);
        Path dir = tmp.resolve("new/dir");
        TunnelDump dump = dumps.start("home", dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertThrows(IllegalStateException.class, () -> dumps.start("home", dir));
        assertTrue(dumps.observes("home"));
        assertFalse(dumps.observes("other"));
        assertEquals(1, dumps.active().length);

        IkeHeader h = IkeHeader.of(0x1111L, 0x2222L, ExchangeType.INFORMATIONAL, true, false, 2);
        List<Payload> payloads = List.of(new NotifyPayload(0, new byte[0], 16384, new byte[0]));
        byte[] message = MessageCodec.encode(h, payloads);
        dumps.datagram("home", true, new IkeDatagram(LEFT_500, RIGHT_500, message));
        dumps.datagram("home", false, new IkeDatagram(LEFT_4500, RIGHT_4500, message));
        dumps.datagram("other", true, new IkeDatagram(LEFT_500, RIGHT_500, message));
        dumps.message("home", false, LEFT_4500, RIGHT_4500, h, payloads);

        IkeSaSecrets ike = new IkeSaSecrets(0x1111L, 0x2222L, EncryptionTransform.AES_GCM_16, 128,
                IntegrityTransform.NONE, filled(20, 1), filled(20, 2), new byte[0], new byte[0]);
        dumps.ikeSaKeys("home", ike);
        EspTransform gcm = new EspTransform(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
        EspSaSecrets out = new EspSaSecrets(0xc0000001, IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2"), gcm,
                false, filled(20, 3), new byte[0]);
        EspSaSecrets in = new EspSaSecrets(0xc0000002, IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.1"), gcm,
                false, filled(20, 4), new byte[0]);
        dumps.childSaKeys("home", "net", 0x1111L, 0x2222L, out, in);
        assertEquals(dump, TunnelDumps.forSpi(dumps.active(), 0xc0000002), "watched from the keys on");
        assertNull(TunnelDumps.forSpi(dumps.active(), 0xc0000003));

        byte[] esp = new byte[] {(byte) 0xc0, 0, 0, 1, 0, 0, 0, 1, 9, 9, 9, 9};
        byte[] outer = TunnelDump.udp(IpAddress.parse("192.0.2.1"), 4500, IpAddress.parse("192.0.2.2"), 4500, esp, false);
        dump.esp(outer, 0, outer.length);
        dump.espReceived(IpAddress.parse("192.0.2.2"), 4500, IpAddress.parse("192.0.2.1"), 4500, esp, 0, esp.length);
        dump.espReceived(IpAddress.parse("2001:db8::2"), -1, IpAddress.parse("2001:db8::1"), -1, esp, 0, esp.length);
        byte[] inner = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 1, 1, 10, 0, 2, 1};
        dump.inner(inner, 0, inner.length);

        TunnelDump.Summary summary = dumps.stop("home");
        assertTrue(dumps.isEmpty());
        assertEquals(0, dumps.active().length);
        assertEquals(1, summary.ikeDecrypted());
        assertEquals(2, summary.ike());
        assertEquals(3, summary.esp());
        assertEquals(1, summary.inner());
        assertEquals(1, summary.ikeSas());
        assertEquals(1, summary.childSas());
        assertEquals(0, summary.dropped());
        assertArrayEquals(new byte[20], ike.skEi(), "the dump zeroed the copies it was given");
        assertArrayEquals(new byte[20], out.encryptionKey());

        List<byte[]> wire = read(dir.resolve("home-ike.pcapng"));
        assertArrayEquals(message, udpPayload(wire.get(0), 500, 500));
        byte[] marked = udpPayload(wire.get(1), 4500, 4500);
        assertArrayEquals(new byte[4], Arrays.copyOf(marked, 4), "the non-ESP marker on port 4500");
        assertArrayEquals(message, Arrays.copyOfRange(marked, 4, marked.length));
        Ipv4Packet received = Ipv4Packet.parse(wire.get(1), 0, wire.get(1).length);
        assertEquals("192.0.2.2", Ipv4Packet.formatAddress(received.sourceAddress()), "received: from the peer");
        List<byte[]> clear = read(dir.resolve("home-ike-decrypted.pcapng"));
        assertArrayEquals(marked, udpPayload(clear.get(0), 4500, 4500));
        List<byte[]> espDump = read(dir.resolve("home-esp.pcapng"));
        assertArrayEquals(outer, espDump.get(0));
        assertArrayEquals(esp, udpPayload(espDump.get(1), 4500, 4500));
        Ipv6Packet v6 = Ipv6Packet.parse(espDump.get(2), 0, espDump.get(2).length);
        assertEquals(50, v6.upperLayerProtocol());
        assertArrayEquals(esp, Arrays.copyOfRange(espDump.get(2), v6.upperLayerOffset(), espDump.get(2).length));
        assertArrayEquals(inner, read(dir.resolve("home-inner.pcapng")).getFirst());

        Path keys = dir.resolve("home.keys");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        KeyLog parsed = KeyLog.read(keys);
        assertArrayEquals(filled(20, 2), parsed.ike(0x1111L, 0x2222L).getFirst().skEr());
        assertArrayEquals(filled(20, 4), parsed.esp(0xc0000002).getFirst().encryptionKey());
        Path wireshark = dir.resolve("home-wireshark");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                wireshark.resolve("esp_sa"))));
        String uat = Files.readString(wireshark.resolve("ikev2_decryption_table"));
        assertTrue(uat.startsWith("0000000000001111,0000000000002222,0101"), uat);
        assertEquals(2, Files.readString(wireshark.resolve("esp_sa")).lines().count());
        assertTrue(Files.readString(wireshark.resolve("preferences")).contains("esp.enable_encryption_decode: TRUE"));
    }

    @Test
    void keysForNobodyAreZeroedAndADirectoryThatIsAFileIsRefused() throws Exception {
        TunnelDumps dumps = new TunnelDumps(log::add);
        IkeSaSecrets ike = new IkeSaSecrets(1, 2, EncryptionTransform.AES_GCM_16, 128, IntegrityTransform.NONE,
                filled(20, 1), filled(20, 2), new byte[0], new byte[0]);
        dumps.ikeSaKeys("home", ike);
        assertArrayEquals(new byte[20], ike.skEr());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThrows(IOException.class, () -> dumps.start("home", file));
        assertTrue(dumps.isEmpty());
        assertNull(dumps.stop("home"));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (CapturedPacket p = r.next(); p != null; p = r.next()) {
                assertEquals(LinkType.RAW, p.linkType());
                out.add(p.data());
            }
        }
        return out;
    }

    /** The UDP payload of an IPv4 packet, after checking ports and checksum. */
    private static byte[] udpPayload(byte[] packet, int sourcePort, int destinationPort) {
        Ipv4Packet ip = Ipv4Packet.parse(packet, 0, packet.length);
        assertTrue(ip.headerChecksumValid());
        UdpDatagram u = UdpDatagram.parse(packet, ip.payloadOffset(), ip.payloadLength());
        assertEquals(sourcePort, u.sourcePort());
        assertEquals(destinationPort, u.destinationPort());
        assertTrue(u.verifyChecksum(ip), "UDP checksum");
        return Arrays.copyOfRange(packet, u.payloadOffset(), u.payloadOffset() + u.payloadLength());
    }
}
