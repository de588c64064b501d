package org.ipsec4j.ike.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.StrongSwan;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.wire.Ipv4Packet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * strongSwan's charon log as a key source: two charons (kernel-libipsec, ike = 4 / chd = 4) build a tunnel while
 * tcpdump records the link; the tunnel carries pings, rekeys its Child SA and then its IKE SA, carries pings
 * again and is deleted (kernel-libipsec has no ESN, so none of that here). Each side's charon.log, read by {@link KeyLog}, must open every encrypted IKE message
 * of the capture (the rekeyed IKE SA's too, whose SPIs charon does not log) and every ESP packet into an ICMP
 * echo, with either side's log.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CharonKeyLogLabTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
        "aes128gcm16-prfsha256-ecp256, aes128gcm16",
        "aes256-sha256-modp2048, aes256-sha256-modp2048",
        "aes256gcm16-prfsha384-x25519, chacha20poly1305",
        "aes128-sha512-ecp384, aes192-sha384-ecp256"})
    void eitherSidesLogOpensTheWholeCapture(String ike, String esp, Lab lab) throws Exception {
        Namespace leftNs = lab.host("left");
        Namespace rightNs = lab.host("right");
        Link link = lab.link(leftNs, rightNs);
        link.a().addAddress("192.0.2.1/24");
        link.b().addAddress("192.0.2.2/24");
        leftNs.ip("addr", "add", "10.1.0.1/32", "dev", "lo");
        rightNs.ip("addr", "add", "10.2.0.1/32", "dev", "lo");
        StrongSwan left = StrongSwan.start(leftNs, tmp.resolve("left"));
        StrongSwan right = StrongSwan.start(rightNs, tmp.resolve("right"));
        Path capture = tmp.resolve("link.pcap");
        PacketCapture tcpdump = leftNs.capture(link.a().interfaceName(), capture);
        left.load(config("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "left.lab", "right.lab", ike, esp));
        right.load(config("192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", "right.lab", "left.lab", ike, esp));
        left.initiate("net");
        leftNs.ping("10.2.0.1", "-I", "10.1.0.1").orThrow();
        left.rekeyChild("net");
        left.rekeyIke("s2s");
        leftNs.ping("10.2.0.1", "-I", "10.1.0.1").orThrow();
        rightNs.ping("10.1.0.1", "-I", "10.2.0.1").orThrow();
        left.terminateIke("s2s");
        tcpdump.stop();
        left.close();
        right.close();

        CapturedIpsec captured = CapturedIpsec.read(capture);
        for (StrongSwan side : List.of(left, right)) {
            KeyLog keys = KeyLog.read(side.log());
            assertEquals(KeyLog.Format.CHARON, keys.format());
            assertEquals(List.of(), keys.notes(), side.log().toString());
            assertEquals(2, keys.ikeSas().size(), "the first IKE SA and the rekeyed one: " + keys.ikeSas());
            assertTrue(keys.ikeSas().getFirst().spisKnown(), "IKE_SA_INIT's SPIs come from the NAT-D chunk");
            assertOpens(captured, keys, side.log());
            keys.destroy();
        }
    }

    private static void assertOpens(CapturedIpsec captured, KeyLog keys, Path log) {
        List<IkeMessage> opened = new ArrayList<>();
        try (IkeDecryptor d = new IkeDecryptor(keys)) {
            for (byte[] m : captured.ike()) {
                switch (d.decrypt(m, 0, m.length)) {
                    case IkeDecryptor.Decrypted dec -> opened.add(dec.message());
                    case IkeDecryptor.Plain p -> assertEquals(ExchangeType.IKE_SA_INIT, p.message().header().exchange());
                    case IkeDecryptor.Fragment f -> { }
                    case IkeDecryptor.Failed f -> throw new AssertionError(log + ": " + f);
                }
            }
        }
        IkeMessage authRequest = opened.stream().filter(m -> m.header().exchange() == ExchangeType.IKE_AUTH
                && !m.header().response()).findFirst().orElseThrow();
        assertTrue(authRequest.first(IdentificationPayload.class) != null
                && authRequest.first(AuthenticationPayload.class) != null, authRequest.toString());
        assertTrue(opened.stream().anyMatch(m -> m.header().exchange() == ExchangeType.CREATE_CHILD_SA
                && m.first(KeyExchangePayload.class) != null), "the IKE rekey");
        assertTrue(opened.stream().anyMatch(m -> m.header().exchange() == ExchangeType.INFORMATIONAL
                && m.header().initiatorSpi() != authRequest.header().initiatorSpi()),
                "the delete in the rekeyed IKE SA, whose SPIs the log did not give");
        int echoes = 0;
        try (EspDecryptor d = new EspDecryptor(keys)) {
            for (byte[] e : captured.esp()) {
                EspDecryptor.Decrypted dec = assertInstanceOf(EspDecryptor.Decrypted.class, d.decrypt(e, 0, e.length),
                        log.toString());
                Ipv4Packet ip = Ipv4Packet.parse(dec.payload(), 0, dec.payload().length);
                int type = dec.payload()[ip.payloadOffset()];
                assertTrue(type == 8 || type == 0, "an echo inside");
                echoes++;
            }
        }
        assertEquals(6, echoes, "three pings, each a request and a reply");
    }

    private static String config(String lo, String ro, String ln, String rn, String lid, String rid, String ike,
                                 String esp) {
        return """
                connections {
                    s2s {
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = %s
                        local {
                            auth = psk
                            id = %s
                        }
                        remote {
                            auth = psk
                            id = %s
                        }
                        children {
                            net {
                                local_ts = %s
                                remote_ts = %s
                                esp_proposals = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-lab {
                        id-1 = %s
                        id-2 = %s
                        secret = "a lab secret of some length"
                    }
                }
                """.formatted(lo, ro, ike, lid, rid, ln, rn, esp, lid, rid);
    }
}
