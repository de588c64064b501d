package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.ike.keys.EspDecryptor;
import org.ipsec4j.ike.keys.IkeDecryptor;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

/**
 * Tunnel dumps between two daemons, as the Shrew client makes them (seed 001 §5.3.4): the initiator dumps its
 * connection, brings it up, pings through it, rekeys the Child SA, pings again and stops the dump. Read back
 * with our own capture reader, the four files hold what they should — IKE_AUTH in the clear with IDi and AUTH,
 * the wire's IKE with its SK payloads, ESP on exactly the SPIs status shows, and the echo requests and replies
 * inside — and the key log opens every encrypted IKE message into the very plaintext of the decrypted dump and
 * every ESP packet into the very packets of the inner dump. tshark, an independent decoder, decrypts the wire
 * IKE and the ESP with the Wireshark tables the dump wrote.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunnelDumpLabTest {

    @ParameterizedTest(name = "encap = {0}, {1} outer")
    @CsvSource({"false, V4", "true, V4", "false, V6"})
    void aDumpHoldsTheTunnelInTheClearAndOnTheWireAndItsKeysOpenIt(boolean encap, TunnelLab.Outer outer, Lab lab)
            throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        IkeLab.Options options = (encap ? IkeLab.Options.plain().withEncap() : IkeLab.Options.plain()).over(outer);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, options);
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];
        String control = left.control().toString();
        Path dir = tunnel.directory.resolve("dumps");

        DaemonLifecycleLabTest.Result start = DaemonLifecycleLabTest.run("dump", "lab", "--dir", dir.toString(),
                "--control", control);
        assertEquals(0, start.exitCode(), () -> start + "\n" + left.stderr());
        assertTrue(start.out().contains(dir.resolve("lab-ike-decrypted.pcapng").toString()), start.out());
        DaemonLifecycleLabTest.Result again = DaemonLifecycleLabTest.run("dump", "lab", "--dir", dir.toString(),
                "--control", control);
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("being dumped"), again.toString());

        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control", control);
        assertEquals(0, up.exitCode(), () -> up + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        int replies = ping(tunnel, left, right);
        Map<String, Object> sa = IkeTunnelLabTest.onlyIkeSa(left.statusJson());
        Map<String, Object> child = IkeTunnelLabTest.onlyChild(sa);
        DaemonLifecycleLabTest.Result rekey = DaemonLifecycleLabTest.run("rekey", "lab", "--child", "net",
                "--control", control);
        assertEquals(0, rekey.exitCode(), () -> rekey + "\n" + left.stderr());
        replies += ping(tunnel, left, right);
        Map<String, Object> rekeyed = IkeTunnelLabTest.onlyChild(IkeTunnelLabTest.onlyIkeSa(left.statusJson()));
        assertNotEquals(child.get("spi_in"), rekeyed.get("spi_in"));

        DaemonLifecycleLabTest.Result stop = DaemonLifecycleLabTest.run("dump", "lab", "--stop", "--control",
                control);
        assertEquals(0, stop.exitCode(), () -> stop + "\n" + left.stderr());
        assertTrue(stop.out().startsWith("lab: dump stopped; "), stop.out());
        assertFalse(stop.out().contains("left out"), stop.out());
        assertEquals(1, DaemonLifecycleLabTest.run("dump", "lab", "--stop", "--control", control).exitCode());

        Path keysFile = dir.resolve("lab.keys");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keysFile)));
        List<byte[]> decryptedDump = udpPayloads(read(dir.resolve("lab-ike-decrypted.pcapng")), true);
        List<byte[]> wireIke = udpPayloads(read(dir.resolve("lab-ike.pcapng")), true);
        List<byte[]> wireEsp = esp(read(dir.resolve("lab-esp.pcapng")));
        List<byte[]> inner = read(dir.resolve("lab-inner.pcapng"));

        // The decrypted dump: every message without SK, IKE_AUTH with IDi and AUTH in the clear.
        List<IkeMessage> clear = new ArrayList<>();
        for (byte[] m : decryptedDump) {
            IkeMessage message = MessageCodec.decode(m, 0, m.length);
            assertEquals(null, message.encrypted(), "no SK payload in the decrypted dump: " + message);
            clear.add(message);
        }
        IkeMessage authRequest = clear.stream().filter(m -> m.header().exchange() == ExchangeType.IKE_AUTH
                && !m.header().response()).findFirst().orElseThrow(() -> new AssertionError("IKE_AUTH: " + clear));
        IdentificationPayload idi = authRequest.first(IdentificationPayload.class);
        assertTrue(idi != null && idi.initiator(), authRequest.toString());
        assertEquals(IkeLab.LEFT_ID, new String(idi.data(), StandardCharsets.US_ASCII));
        assertTrue(authRequest.first(AuthenticationPayload.class) != null, authRequest.toString());
        assertTrue(clear.stream().anyMatch(m -> m.header().exchange() == ExchangeType.CREATE_CHILD_SA),
                "the Child SA rekey is in it");
        // The wire: the same exchanges, encrypted.
        assertTrue(wireIke.size() >= decryptedDump.size(), wireIke.size() + " < " + decryptedDump.size());
        assertTrue(wireIke.stream().anyMatch(m -> encrypted(m, ExchangeType.IKE_AUTH)), "IKE_AUTH with SK on the wire");

        // ESP on exactly the SPIs of the two Child SAs, both ways; inside, the echo requests and replies.
        Set<Integer> spis = new HashSet<>();
        for (byte[] e : wireEsp) {
            spis.add(spi(e));
        }
        Set<Integer> expected = Set.of(hex(child.get("spi_in")), hex(child.get("spi_out")), hex(rekeyed.get("spi_in")),
                hex(rekeyed.get("spi_out")));
        assertEquals(expected, spis, "ESP SPIs against status " + child + " " + rekeyed);
        int[] echoes = echoes(inner);
        assertEquals(replies, echoes[1], "every echo reply ping got is in the inner dump");
        assertTrue(echoes[0] >= replies, "and the requests they answer: " + Arrays.toString(echoes));

        // The key log opens the wire into exactly what the other two dumps hold.
        KeyLog keys = KeyLog.read(keysFile);
        assertEquals(KeyLog.Format.IPSEC4J, keys.format());
        IkeSaSecrets ikeKeys = keys.ikeSas().getFirst();
        assertEquals(sa.get("initiator_spi"), String.format("%016x", ikeKeys.spiI()));
        assertEquals(sa.get("responder_spi"), String.format("%016x", ikeKeys.spiR()));
        assertEquals(4, keys.espSas().size(), "two Child SAs, two directions each");
        Set<String> clearMessages = new HashSet<>(decryptedDump.stream().map(HexFormat.of()::formatHex).toList());
        int opened = 0;
        try (IkeDecryptor d = new IkeDecryptor(keys)) {
            for (byte[] m : wireIke) {
                switch (d.decrypt(m, 0, m.length)) {
                    case IkeDecryptor.Decrypted dec -> {
                        assertTrue(clearMessages.contains(HexFormat.of().formatHex(dec.unencrypted())),
                                "decrypted with the key log: " + dec.message());
                        opened++;
                    }
                    case IkeDecryptor.Plain p -> assertTrue(clearMessages.contains(HexFormat.of().formatHex(m)));
                    case IkeDecryptor.Fragment f -> { }
                    case IkeDecryptor.Failed f -> throw new AssertionError(f.toString());
                }
            }
        }
        assertTrue(opened >= 4, opened + " encrypted messages opened");
        List<String> innerHex = new ArrayList<>(inner.stream().map(HexFormat.of()::formatHex).toList());
        try (EspDecryptor d = new EspDecryptor(keys)) {
            for (byte[] e : wireEsp) {
                EspDecryptor.Decrypted dec = assertInstanceOf(EspDecryptor.Decrypted.class, d.decrypt(e, 0, e.length));
                assertTrue(innerHex.remove(HexFormat.of().formatHex(dec.payload())),
                        "the inner dump has the packet ESP " + Integer.toHexString(dec.spi()) + " carried");
            }
        }
        assertEquals(List.of(), innerHex, "every inner packet went through ESP");
        keys.destroy();

        // tshark, with the Wireshark configuration directory the dump wrote.
        Path wireshark = dir.resolve("lab-wireshark");
        List<String> ike = tshark(wireshark, dir.resolve("lab-ike.pcapng"), "isakmp.exchangetype",
                "isakmp.typepayload");
        assertTrue(ike.stream().anyMatch(l -> l.startsWith("35\t") && l.contains(",35,") && l.contains(",39,")),
                "tshark decrypts IKE_AUTH (exchange 35) and finds IDi (35) and AUTH (39) inside:\n" + ike);
        List<String> esp = tshark(wireshark, dir.resolve("lab-esp.pcapng"), "esp.spi", "esp.icv_good", "icmp.type",
                "icmpv6.type");
        assertEquals(wireEsp.size(), esp.size(), esp.toString());
        for (String line : esp) {
            String[] f = line.split("\t", -1);
            assertEquals("1", f[1], "tshark checks the ICV: " + line);
            assertTrue(f[2].equals("8") || f[2].equals("0"), "tshark finds an inner echo: " + line);
        }

        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    /**
     * A dump started on a tunnel that is up: with --rekey the IKE SA and the Child SA are rekeyed at once, the key
     * log says which SAs predate the dump, holds the new ones' keys, and those open what follows; the IKE rekey
     * itself (under the old keys) is in the clear in the decrypted dump all the same, from the engine.
     */
    @org.junit.jupiter.api.Test
    void aDumpWithRekeyOnARunningTunnelGetsTheKeysOfTheNewSas(Lab lab) throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        DaemonProcess[] daemons = IkeLab.startPair(tunnel, IkeLab.Options.plain().withEncap());
        DaemonProcess left = daemons[0];
        DaemonProcess right = daemons[1];
        String control = left.control().toString();
        DaemonLifecycleLabTest.Result up = DaemonLifecycleLabTest.run("up", "lab", "--control", control);
        assertEquals(0, up.exitCode(), () -> up + "\n" + left.stderr());
        Map<String, Object> before = IkeTunnelLabTest.onlyIkeSa(left.statusJson());
        Map<String, Object> childBefore = IkeTunnelLabTest.onlyChild(before);
        Path dir = tunnel.directory.resolve("running");

        DaemonLifecycleLabTest.Result start = DaemonLifecycleLabTest.run("dump", "lab", "--dir", dir.toString(),
                "--rekey", "--control", control);
        assertEquals(0, start.exitCode(), () -> start + "\n" + left.stderr());
        assertTrue(start.out().contains("rekeying its IKE SA and 1 Child SA(s)"), start.out());
        Map<String, Object> after = awaitRekeyed(left, before, childBefore);
        Map<String, Object> childAfter = IkeTunnelLabTest.onlyChild(after);
        int replies = ping(tunnel, left, right);
        DaemonLifecycleLabTest.Result stop = DaemonLifecycleLabTest.run("dump", "lab", "--stop", "--control",
                control);
        assertEquals(0, stop.exitCode(), () -> stop + "\n" + left.stderr());

        String keyText = Files.readString(dir.resolve("lab.keys"));
        assertTrue(keyText.contains("# IKE SA " + before.get("initiator_spi") + "_" + before.get("responder_spi")
                + " (ESTABLISHED) predates the dump: no keys"), keyText);
        assertTrue(keyText.contains("# Child SA net in " + childBefore.get("spi_in") + " out " + childBefore.get("spi_out")
                + " predates the dump"), keyText);
        KeyLog keys = KeyLog.read(dir.resolve("lab.keys"));
        assertEquals(1, keys.ikeSas().size(), "the new IKE SA");
        assertEquals(after.get("initiator_spi"), String.format("%016x", keys.ikeSas().getFirst().spiI()));
        assertEquals(Set.of(hex(childAfter.get("spi_in")), hex(childAfter.get("spi_out"))),
                new HashSet<>(keys.espSas().stream().map(e -> e.spi()).toList()));

        List<IkeMessage> clear = new ArrayList<>();
        for (byte[] m : udpPayloads(read(dir.resolve("lab-ike-decrypted.pcapng")), true)) {
            clear.add(MessageCodec.decode(m, 0, m.length));
        }
        assertTrue(clear.stream().anyMatch(m -> m.header().exchange() == ExchangeType.CREATE_CHILD_SA
                && m.first(org.ipsec4j.ike.message.KeyExchangePayload.class) != null
                && m.header().initiatorSpi() == Long.parseUnsignedLong((String) before.get("initiator_spi"), 16)),
                "the IKE rekey, in the old IKE SA, in the clear: " + clear);
        int afterRekey = 0;
        try (EspDecryptor d = new EspDecryptor(keys)) {
            for (byte[] e : esp(read(dir.resolve("lab-esp.pcapng")))) {
                EspDecryptor.Result r = d.decrypt(e, 0, e.length);
                if (spi(e) == hex(childAfter.get("spi_in")) || spi(e) == hex(childAfter.get("spi_out"))) {
                    assertInstanceOf(EspDecryptor.Decrypted.class, r);
                    afterRekey++;
                } else {
                    EspDecryptor.Failed f = assertInstanceOf(EspDecryptor.Failed.class, r);
                    assertTrue(f.reason().startsWith("no keys for ESP SPI"), f.reason());
                }
            }
        }
        assertTrue(afterRekey >= 2 * replies, afterRekey + " ESP packets on the new Child SA");
        keys.destroy();
        assertEquals(0, left.stop(), left.stderr());
        assertEquals(0, right.stop(), right.stderr());
    }

    /** Waits until both the IKE SA and its Child SA have new SPIs; returns the IKE SA then. */
    private static Map<String, Object> awaitRekeyed(DaemonProcess daemon, Map<String, Object> ikeBefore,
                                                    Map<String, Object> childBefore) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<Object> sas = MinimalJson.array(daemon.statusJson().get("ike_sas"));
            if (sas.size() == 1) {
                Map<String, Object> sa = MinimalJson.object(sas.getFirst());
                List<Object> children = MinimalJson.array(sa.get("child_sas"));
                if (!sa.get("initiator_spi").equals(ikeBefore.get("initiator_spi")) && children.size() == 1
                        && !MinimalJson.object(children.getFirst()).get("spi_in").equals(childBefore.get("spi_in"))
                        && "INSTALLED".equals(MinimalJson.object(children.getFirst()).get("state"))) {
                    return sa;
                }
            }
            assertTrue(System.nanoTime() < deadline, "rekeyed: " + daemon.statusJson() + "\n" + daemon.stderr());
            IkeTunnelLabTest.sleep(100);
        }
    }

    /** Three echo requests through the tunnel; returns how many replies came back (at least one). */
    private static int ping(TunnelLab tunnel, DaemonProcess left, DaemonProcess right) {
        CommandResult ping = tunnel.left.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);
        assertTrue(ping.succeeded(), () -> "ping through the tunnel failed:\n" + ping.stdout() + ping.stderr()
                + "\nleft:\n" + left.stderr() + "\nright:\n" + right.stderr());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) received").matcher(ping.stdout());
        assertTrue(m.find(), ping.stdout());
        return Integer.parseInt(m.group(1));
    }

    /** The IP packets of a dump (raw IP link type). */
    private static List<byte[]> read(Path file) throws IOException {
        List<byte[]> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            for (CapturedPacket p = reader.next(); p != null; p = reader.next()) {
                assertEquals(LinkType.RAW, p.linkType());
                packets.add(p.data());
            }
        }
        return packets;
    }

    /** The UDP payloads (without the non-ESP marker) of IP packets. */
    private static List<byte[]> udpPayloads(List<byte[]> packets, boolean stripMarker) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : packets) {
            int[] span = upperLayer(p);
            assertEquals(IpProtocol.UDP, span[0]);
            UdpDatagram u = UdpDatagram.parse(p, span[1], span[2]);
            int from = u.payloadOffset();
            int marker = stripMarker && (u.sourcePort() == 4500 || u.destinationPort() == 4500) ? 4 : 0;
            out.add(Arrays.copyOfRange(p, from + marker, from + u.payloadLength()));
        }
        return out;
    }

    /** The ESP part of outer packets, raw or in UDP. */
    private static List<byte[]> esp(List<byte[]> packets) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : packets) {
            int[] span = upperLayer(p);
            if (span[0] == IpProtocol.UDP) {
                UdpDatagram u = UdpDatagram.parse(p, span[1], span[2]);
                out.add(Arrays.copyOfRange(p, u.payloadOffset(), u.payloadOffset() + u.payloadLength()));
            } else {
                assertEquals(IpProtocol.ESP, span[0]);
                out.add(Arrays.copyOfRange(p, span[1], span[1] + span[2]));
            }
        }
        return out;
    }

    /** {protocol, offset, length} of an IP packet's upper layer. */
    private static int[] upperLayer(byte[] p) {
        if ((p[0] & 0xF0) == 0x40) {
            Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
            return new int[] {ip.protocol(), ip.payloadOffset(), ip.payloadLength()};
        }
        Ipv6Packet ip = Ipv6Packet.parse(p, 0, p.length);
        return new int[] {ip.upperLayerProtocol(), ip.upperLayerOffset(), ip.upperLayerLength()};
    }

    /** {echo requests 10.0.1.1 → 10.0.2.1, echo replies back} among inner IPv4 packets. */
    private static int[] echoes(List<byte[]> inner) {
        int[] n = new int[2];
        for (byte[] p : inner) {
            Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
            String src = Ipv4Packet.formatAddress(ip.sourceAddress());
            String dst = Ipv4Packet.formatAddress(ip.destinationAddress());
            int type = ip.protocol() == IpProtocol.ICMP ? p[ip.payloadOffset()] & 0xFF : -1;
            if (type == 8 && src.equals(TunnelLab.LEFT_INNER) && dst.equals(TunnelLab.RIGHT_INNER)) {
                n[0]++;
            } else if (type == 0 && src.equals(TunnelLab.RIGHT_INNER) && dst.equals(TunnelLab.LEFT_INNER)) {
                n[1]++;
            }
        }
        return n;
    }

    private static boolean encrypted(byte[] m, ExchangeType exchange) {
        try {
            IkeMessage message = MessageCodec.decode(m, 0, m.length);
            return message.header().exchange() == exchange && message.encrypted() != null;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    private static int spi(byte[] esp) {
        return (esp[0] & 0xFF) << 24 | (esp[1] & 0xFF) << 16 | (esp[2] & 0xFF) << 8 | esp[3] & 0xFF;
    }

    private static int hex(Object spi) {
        return Integer.parseUnsignedInt((String) spi, 16);
    }

    /** tshark's fields, one line per packet, with WIRESHARK_CONFIG_DIR at the dump's tables. */
    static List<String> tshark(Path configDir, Path capture, String... fields) throws Exception {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-T", "fields"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().put("WIRESHARK_CONFIG_DIR", configDir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
