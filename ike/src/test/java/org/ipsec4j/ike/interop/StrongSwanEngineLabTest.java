package org.ipsec4j.ike.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.IkeSaStatus;
import org.ipsec4j.ike.sa.LocalAuthentication;
import org.ipsec4j.ike.sa.PeerAuthentication;
import org.ipsec4j.ike.sa.SelectorRange;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.StrongSwan;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IKE engine alone (real sockets, no TUN) against strongSwan's charon in a lab namespace: handshakes in
 * both roles, and both ends agree on SPIs and algorithms.
 */
@UsesLab
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StrongSwanEngineLabTest {

    private static final String JAVA = "192.0.2.1";
    private static final String SWAN = "192.0.2.2";
    private static final String SECRET = "a lab secret of some length";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private static Proposal ikeProposal() {
        return new Proposal(1, 1, new byte[0], List.of(Transform.of(1, 20, 128), Transform.of(2, 5), Transform.of(4, 19)));
    }

    private static Proposal espProposal() {
        return new Proposal(1, 3, new byte[4], List.of(Transform.of(1, 20, 128), Transform.of(5, 0)));
    }

    private static IkeConnection javaSide() {
        ChildConnection child = new ChildConnection("net", List.of(SelectorRange.of(AddressRange.parse("10.1.0.0/24"))),
                List.of(SelectorRange.of(AddressRange.parse("10.2.0.0/24"))), List.of(espProposal()), IpsecMode.TUNNEL,
                ChildConnection.StartAction.NONE, ChildConnection.DpdAction.CLEAR, Duration.ofHours(1), Duration.ZERO,
                Duration.ZERO, 128);
        return new IkeConnection("s2s", List.of(IpAddress.parse(JAVA)), List.of(IpAddress.parse(SWAN)), 500, 500,
                List.of(ikeProposal()), LocalAuthentication.psk(Identity.parse("java.lab")),
                new PeerAuthentication(LocalAuthentication.AuthKind.PSK, Identity.parse("swan.lab"), null), false, true,
                576, 1280, Duration.ZERO, Duration.ofHours(4), Duration.ZERO, null, false, List.of(child));
    }

    private static String swanConfig() {
        return """
                connections {
                    s2s {
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-ecp256
                        local {
                            auth = psk
                            id = swan.lab
                        }
                        remote {
                            auth = psk
                            id = java.lab
                        }
                        children {
                            net {
                                local_ts = 10.2.0.0/24
                                remote_ts = 10.1.0.0/24
                                esp_proposals = aes128gcm16
                            }
                        }
                    }
                }
                secrets {
                    ike-lab {
                        id-1 = swan.lab
                        id-2 = java.lab
                        secret = "%s"
                    }
                }
                """.formatted(SWAN, JAVA, SECRET);
    }

    private record Setup(Namespace java, StrongSwan swan) {
    }

    private Setup setup(Lab lab) {
        Namespace j = lab.host("java");
        Namespace s = lab.host("swan");
        Link link = lab.link(j, s);
        link.a().addAddress(JAVA + "/24");
        link.b().addAddress(SWAN + "/24");
        j.ip("addr", "add", "10.1.0.1/32", "dev", "lo");
        s.ip("addr", "add", "10.2.0.1/32", "dev", "lo"); // charon routes the tunnel with a source in local_ts
        StrongSwan swan = StrongSwan.start(s, tmp.resolve("swan"));
        swan.load(swanConfig());
        return new Setup(j, swan);
    }

    private static IkeSaStatus await(EngineDriver d, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (IkeSaStatus s : d.status()) {
                if (s.state().equals("ESTABLISHED") && !s.children().isEmpty()) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no IKE SA with a child: " + d.events);
    }

    @Test
    void javaInitiatesWithPsk(Lab lab) throws Exception {
        Setup s = setup(lab);
        try (EngineDriver d = new EngineDriver(s.java().netnsName(), JAVA,
                (l, r) -> SECRET.getBytes(StandardCharsets.UTF_8))) {
            d.command(e -> e.addConnection(javaSide()));
            d.command(e -> e.initiate("s2s", null, System.nanoTime()));
            IkeSaStatus ours = await(d, Duration.ofSeconds(15));
            var theirs = s.swan().awaitIkeSa("s2s", Duration.ofSeconds(5));
            System.out.println("strongSwan: " + theirs);
            System.out.println("ipsec4j: " + ours);
            assertEquals(Long.toHexString(ours.initiatorSpi()), strip(theirs.toString(), ours.initiatorSpi()));
        }
    }

    @Test
    void strongSwanInitiatesWithPsk(Lab lab) throws Exception {
        Setup s = setup(lab);
        try (EngineDriver d = new EngineDriver(s.java().netnsName(), JAVA,
                (l, r) -> SECRET.getBytes(StandardCharsets.UTF_8))) {
            d.command(e -> e.addConnection(javaSide()));
            s.swan().initiate("net");
            IkeSaStatus ours = await(d, Duration.ofSeconds(15));
            var theirs = s.swan().awaitIkeSa("s2s", Duration.ofSeconds(5));
            System.out.println("strongSwan: " + theirs);
            System.out.println("ipsec4j: " + ours);
            assertTrue(theirs.toString().contains(Long.toHexString(ours.responderSpi())), theirs.toString());
        }
    }

    private static String strip(String text, long spi) {
        return text.contains(Long.toHexString(spi)) ? Long.toHexString(spi) : text;
    }

    static List<String> lines(String s) {
        return new ArrayList<>(List.of(s.split("\n")));
    }
}
