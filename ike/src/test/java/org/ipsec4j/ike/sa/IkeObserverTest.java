package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.keys.EspDecryptor;
import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeDecryptor;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.keys.KeyLogFormat;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.wire.Icmpv4Message;
import org.junit.jupiter.api.Test;

/**
 * The engine's observer (what a tunnel dump records): every datagram each way, every message in the clear once,
 * the keys of every IKE and Child SA — and the proof that those keys are the right ones: written as a key log,
 * read back, they open every encrypted datagram the observer saw into exactly the plaintext it was told, and
 * the data plane's ESP packets into the inner packet.
 */
class IkeObserverTest {

    /** Everything one observer was told. */
    static class Recording implements IkeObserver {
        final String watched;
        final List<IkeDatagram> sent = new ArrayList<>();
        final List<IkeDatagram> received = new ArrayList<>();
        final List<byte[]> plainSent = new ArrayList<>();
        final List<byte[]> plainReceived = new ArrayList<>();
        final List<List<Payload>> payloadsReceived = new ArrayList<>();
        final List<IkeSaSecrets> ikeKeys = new ArrayList<>();
        final List<EspSaSecrets> espKeys = new ArrayList<>();
        final ByteArrayOutputStream keyLog = new ByteArrayOutputStream();
        int asked;

        Recording(String watched) {
            this.watched = watched;
            keyLog.writeBytes((KeyLogFormat.HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public boolean observes(String connection) {
            asked++;
            return connection.equals(watched);
        }

        @Override
        public void datagram(String connection, boolean outbound, IkeDatagram datagram) {
            (outbound ? sent : received).add(datagram);
        }

        @Override
        public void message(String connection, boolean outbound, Endpoint local, Endpoint remote, IkeHeader header,
                            List<Payload> payloads) {
            (outbound ? plainSent : plainReceived).add(MessageCodec.encode(header, payloads));
            if (!outbound) {
                payloadsReceived.add(payloads);
            }
        }

        @Override
        public void ikeSaKeys(String connection, IkeSaSecrets keys) {
            ikeKeys.add(keys);
            byte[] line = KeyLogFormat.ikeLine(keys, connection);
            keyLog.writeBytes(line);
            Arrays.fill(line, (byte) 0);
        }

        @Override
        public void childSaKeys(String connection, String child, long ikeSpiI, long ikeSpiR, EspSaSecrets outbound,
                                EspSaSecrets inbound) {
            for (EspSaSecrets s : List.of(outbound, inbound)) {
                espKeys.add(s);
                byte[] line = KeyLogFormat.espLine(s, connection, child, ikeSpiI, ikeSpiR);
                keyLog.writeBytes(line);
                Arrays.fill(line, (byte) 0);
            }
        }
    }

    @Test
    void cbcSuiteWithRekeysAndPfs() throws Exception {
        SiteToSite t = new SiteToSite(6001).both((c, ch) -> {
            c.ike = List.of(Peers.ikeCbc(Peers.MODP2048));
            ch.esp(Peers.esp(Transform.of(Peers.ENCR, Peers.AES_CBC, 256), Peers.AUTH_SHA256_128, Peers.ECP256,
                    false));
        }).install();
        Recording left = new Recording("net");
        t.left.engine.observe(left);
        t.up();
        t.assertPingsBothWays();
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.right.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.left.engine.rekeyChild("net", "net", t.net.now); // in the rekeyed IKE SA
        t.net.run(Duration.ofSeconds(5));
        t.assertOneTunnel();

        assertEquals(2, left.ikeKeys.size(), "the first IKE SA and its successor");
        IkeSaStatus now = t.left.onlyIkeSa();
        IkeSaSecrets current = left.ikeKeys.getLast();
        assertEquals(now.initiatorSpi(), current.spiI());
        assertEquals(now.responderSpi(), current.spiR());
        assertEquals(6, left.espKeys.size(), "three Child SA pairs, two directions each");
        ChildSaStatus child = now.children().getFirst();
        assertTrue(left.espKeys.stream().anyMatch(s -> s.spi() == child.outboundSpi()
                && s.source().equals(IpAddress.parse("192.0.2.1"))));
        assertTrue(left.espKeys.stream().anyMatch(s -> s.spi() == child.inboundSpi()
                && s.destination().equals(IpAddress.parse("192.0.2.1"))));

        KeyLog log = roundTrip(left);
        assertOpensWhatWasObserved(left, log);
        assertEspOpens(t, log, child.outboundSpi());
        t.left.engine.terminate("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        t.assertNothingLeft();
    }

    @Test
    void fragmentedIkeAuthIsOneMessageInTheClear() throws Exception {
        TestAuthority ca = new TestAuthority("Observed Root", TestAuthority.KeyKind.RSA);
        TestAuthority.Issued l = ca.issue("left@example.org", TestAuthority.KeyKind.RSA, 2500);
        TestAuthority.Issued r = ca.issue("right@example.org", TestAuthority.KeyKind.RSA, 2500);
        SiteToSite t = new SiteToSite(6002).left((c, ch) -> {
            c.localAuth = TestAuthority.local("left@example.org", l);
            c.remoteAuth = TestAuthority.remote("right@example.org", ca);
        }).right((c, ch) -> {
            c.localAuth = TestAuthority.local("right@example.org", r);
            c.remoteAuth = TestAuthority.remote("left@example.org", ca);
        }).install();
        Recording right = new Recording("net");
        t.right.engine.observe(right);
        t.up();
        t.assertPingsBothWays();

        long fragments = right.received.stream().filter(Messages::isFragment).count();
        assertTrue(fragments > 2, fragments + " IKE_AUTH fragments arrived");
        List<Payload> authRequest = right.payloadsReceived.stream()
                .filter(p -> p.stream().anyMatch(IdentificationPayload.class::isInstance)).findFirst().orElseThrow();
        assertTrue(authRequest.stream().anyMatch(AuthenticationPayload.class::isInstance),
                "the joined IKE_AUTH request shows IDi and AUTH in the clear");
        KeyLog log = roundTrip(right);
        assertOpensWhatWasObserved(right, log);
    }

    @Test
    void nothingForConnectionsNotWatchedAndNothingOnceTheObserverIsGone() {
        SiteToSite t = new SiteToSite(6003).install();
        Recording other = new Recording("another");
        t.left.engine.observe(other);
        t.up();
        t.assertPingsBothWays();
        assertTrue(other.asked > 0);
        assertEquals(0, other.sent.size() + other.received.size() + other.plainSent.size()
                + other.plainReceived.size() + other.ikeKeys.size() + other.espKeys.size());

        Recording gone = new Recording("net");
        t.left.engine.observe(gone);
        t.left.engine.observe(null);
        t.left.engine.rekeyIke("net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(0, gone.asked, "an engine without observer asks nobody");
    }

    @Test
    void aThrowingObserverDoesNotHurtTheIkeSa() {
        SiteToSite t = new SiteToSite(6004).install();
        t.left.engine.observe(new Recording("net") {
            @Override
            public void datagram(String connection, boolean outbound, IkeDatagram datagram) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void ikeSaKeys(String connection, IkeSaSecrets keys) {
                throw new IllegalStateException("disk full");
            }
        });
        t.up();
        t.assertOneTunnel();
        t.assertPingsBothWays();
    }

    private static KeyLog roundTrip(Recording r) throws Exception {
        String text = r.keyLog.toString(StandardCharsets.US_ASCII);
        KeyLog log = KeyLog.parse("observed", text);
        assertEquals(KeyLog.Format.IPSEC4J, log.format());
        assertEquals(r.ikeKeys.size(), log.ikeSas().size());
        assertEquals(r.espKeys.size(), log.espSas().size());
        for (int i = 0; i < r.ikeKeys.size(); i++) {
            assertArrayEquals(r.ikeKeys.get(i).skEr(), log.ikeSas().get(i).skEr());
        }
        return log;
    }

    /**
     * Every datagram seen, opened with the key log: the plain ones as they are, each encrypted one (or the last
     * fragment of one) into exactly the next plaintext the observer got for that direction.
     */
    private static void assertOpensWhatWasObserved(Recording r, KeyLog log) {
        for (boolean outbound : new boolean[] {true, false}) {
            List<IkeDatagram> datagrams = outbound ? r.sent : r.received;
            List<byte[]> plain = outbound ? r.plainSent : r.plainReceived;
            List<String> expected = plain.stream().map(IkeObserverTest::hex).toList();
            List<String> opened = new ArrayList<>();
            try (IkeDecryptor d = new IkeDecryptor(log)) {
                for (IkeDatagram datagram : datagrams) {
                    IkeDecryptor.Result result = d.decrypt(datagram.data(), 0, datagram.data().length);
                    switch (result) {
                        case IkeDecryptor.Plain p -> opened.add(hex(datagram.data()));
                        case IkeDecryptor.Decrypted dec -> opened.add(hex(dec.unencrypted()));
                        case IkeDecryptor.Fragment f -> assertTrue(f.received() < f.total());
                        case IkeDecryptor.Failed f -> throw new AssertionError("not opened: " + f);
                    }
                }
            }
            // Retransmissions appear on the wire more than once, in the clear once: compare without repeats.
            assertEquals(expected, opened.stream().distinct().toList(), outbound ? "sent" : "received");
        }
        assertTrue(r.plainSent.size() >= 2 && r.plainReceived.size() >= 2, "IKE_SA_INIT and IKE_AUTH each way");
    }

    /** An echo request through left's data plane: the ESP packet opens, with the key log, into the same packet. */
    private static void assertEspOpens(SiteToSite t, KeyLog log, int outboundSpi) {
        byte[] buf = new byte[4096];
        int off = DataPlane.HEADROOM;
        int len = Icmpv4Message.writeEchoPacket(buf, off, IpAddress.parse(t.leftInner).ipv4Value(),
                IpAddress.parse(t.rightInner).ipv4Value(), 64, Icmpv4Message.TYPE_ECHO_REQUEST, 9, 1, 56);
        byte[] inner = Arrays.copyOfRange(buf, off, off + len);
        OutboundResult out = t.left.dataPlane.processOutbound(buf, off, len, t.net.now, new OutboundResult());
        assertEquals(OutboundResult.Action.SEND, out.action());
        try (EspDecryptor d = new EspDecryptor(log)) {
            EspDecryptor.Result r = d.decrypt(out.buffer(), out.payloadOffset(), out.payloadLength());
            EspDecryptor.Decrypted dec = assertInstanceOf(EspDecryptor.Decrypted.class, r);
            assertEquals(outboundSpi, dec.spi());
            assertEquals(4, dec.nextHeader(), "tunnel mode: an IPv4 packet inside");
            assertArrayEquals(inner, dec.payload());
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
