package org.ipsec4j.daemon.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.ipsec4j.daemon.control.StatusReport;
import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two IKE services wired together in memory (no sockets): up, rekey and down wait for and report what happened,
 * a wrong key is AUTHENTICATION_FAILED, a reload keeps an unchanged connection's SA, and the Child SAs land in
 * each side's SPD.
 */
class IkeServiceTest {

    @TempDir
    Path directory;

    private final List<IkeService> services = new ArrayList<>();

    /** One side: its data plane, its service, what it logged, how often it was told the network changed. */
    private static final class Side {
        final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger networkChanges = new AtomicInteger();
        IkeService service;
    }

    @AfterEach
    void stop() {
        services.forEach(IkeService::close);
    }

    private static String config(String local, String remote, String localId, String remoteId, String localTs,
            String remoteTs, String secret) {
        return """
                connections {
                  t {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes128gcm16-prfsha256-x25519
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
                      }
                    }
                  }
                }
                secrets {
                  ike {
                    id-a = %s
                    id-b = %s
                    secret = %s
                  }
                }
                """.formatted(local, remote, localId, remoteId, localTs, remoteTs, localId, remoteId, secret);
    }

    private IkeConfiguration load(String name, String text) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, text);
        return SwanctlTranslator.load(file, SourceAddressResolver.NONE, Map.of());
    }

    /** Two services whose datagrams reach each other directly. */
    private Side[] pair(String leftSecret, String rightSecret) throws Exception {
        Side left = new Side();
        Side right = new Side();
        IkeConfiguration l = load("left.conf", config("192.0.2.1", "192.0.2.2", "left.test", "right.test",
                "10.0.1.0/24", "10.0.2.0/24", leftSecret));
        IkeConfiguration r = load("right.conf", config("192.0.2.2", "192.0.2.1", "right.test", "left.test",
                "10.0.2.0/24", "10.0.1.0/24", rightSecret));
        left.service = start(left, l, d -> right.service.receive(arrived(d)));
        right.service = start(right, r, d -> left.service.receive(arrived(d)));
        return new Side[] {left, right};
    }

    /** What the peer sees of a datagram we sent: our remote end is its local end. */
    private static IkeDatagram arrived(IkeDatagram sent) {
        return new IkeDatagram(sent.remote(), sent.local(), sent.data());
    }

    private IkeService start(Side side, IkeConfiguration configuration, Consumer<IkeDatagram> link) {
        DataPlaneGate gate = new DataPlaneGate();
        IkeService service = IkeService.start(configuration, new GatedKernel(new DataPlaneKernel(
                new DataPlane(side.spd, side.sad), System::nanoTime), gate), link::accept,
                vips -> side.networkChanges.incrementAndGet(), side.log::add);
        services.add(service);
        return service;
    }

    @Test
    void upRekeyAndDownReportWhatHappened() throws Exception {
        Side[] sides = pair("0x0102030405060708", "0x0102030405060708");
        Side left = sides[0];
        Side right = sides[1];
        IkeService.Outcome up = left.service.up("t", null, Duration.ofSeconds(10));
        assertTrue(up.ok(), up.text());
        assertEquals("t/net is up", up.message());
        assertTrue(up.events().stream().anyMatch(e -> e.startsWith("ike: IKE_SA_ESTABLISHED t[")), up.text());
        assertTrue(up.events().stream().anyMatch(e -> e.startsWith("ike: CHILD_SA_INSTALLED t[")), up.text());
        assertEquals("t/net is up already", left.service.up("t", "net", Duration.ofSeconds(10)).message());

        StatusReport.IkeSaReport l = left.service.status().getFirst();
        StatusReport.IkeSaReport r = awaitSa(right);
        assertEquals(l.initiatorSpi(), r.initiatorSpi());
        assertEquals(l.children().getFirst().inboundSpi(), r.children().getFirst().outboundSpi());
        assertEquals(2, left.spd.policies(Direction.OUT).size() + left.spd.policies(Direction.IN).size());
        assertTrue(left.networkChanges.get() > 0, "the daemon heard of the new Child SA");
        assertTrue(left.log.stream().anyMatch(line -> line.startsWith("ike: CHILD_SA_INSTALLED t[")), left.log.toString());

        IkeService.Outcome rekey = left.service.rekey("t", "net", Duration.ofSeconds(10));
        assertTrue(rekey.ok(), rekey.text());
        String fresh = left.service.status().getFirst().children().stream().filter(c -> c.state().equals("INSTALLED"))
                .findFirst().orElseThrow().inboundSpi();
        assertNotEquals(l.children().getFirst().inboundSpi(), fresh);
        IkeService.Outcome rekeyIke = left.service.rekey("t", null, Duration.ofSeconds(10));
        assertTrue(rekeyIke.ok(), rekeyIke.text());
        assertFalse(rekeyIke.message().isEmpty());

        IkeService.Outcome down = left.service.down("t", Duration.ofSeconds(10));
        assertTrue(down.ok(), down.text());
        assertEquals(List.of(), left.service.status());
        assertEquals(0, left.spd.policies(Direction.OUT).size(), "the policies went with the Child SA");
        assertFalse(left.service.down("t", Duration.ofSeconds(10)).ok(), "nothing left to take down");
    }

    @Test
    void aWrongKeyIsAnAuthenticationFailureAndNothingStays() throws Exception {
        Side[] sides = pair("0x0102030405060708", "0x0807060504030201");
        IkeService.Outcome up = sides[0].service.up("t", null, Duration.ofSeconds(10));
        assertFalse(up.ok(), up.text());
        assertTrue(up.message().startsWith("t: AUTHENTICATION_FAILED"), up.message());
        assertEquals(List.of(), sides[0].service.status());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!sides[1].service.status().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), sides[1].service.status());
        assertTrue(sides[1].log.stream().anyMatch(l -> l.startsWith("ike: AUTHENTICATION_FAILED t[")),
                sides[1].log.toString());
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() throws Exception {
        Side[] sides = pair("x", "x");
        IkeService.Outcome up = sides[0].service.up("nope", null, Duration.ofSeconds(1));
        assertFalse(up.ok());
        assertEquals("no connection named 'nope' (connections: t)", up.message());
        assertEquals("t has no child named 'web' (children: [net])",
                sides[0].service.up("t", "web", Duration.ofSeconds(1)).message());
        assertEquals("t has no IKE SA", sides[0].service.down("t", Duration.ofSeconds(1)).message());
    }

    @Test
    void aReloadKeepsAnUnchangedConnectionsSa() throws Exception {
        Side[] sides = pair("0x0102030405060708", "0x0102030405060708");
        assertTrue(sides[0].service.up("t", null, Duration.ofSeconds(10)).ok());
        String spi = sides[0].service.status().getFirst().initiatorSpi();
        IkeConfiguration same = load("left.conf", Files.readString(directory.resolve("left.conf")));
        assertEquals("1 IKE connections (1 unchanged, 0 changed, 0 added, 0 removed)", sides[0].service.replace(same));
        assertEquals(spi, sides[0].service.status().getFirst().initiatorSpi());

        IkeConfiguration changed = load("left.conf", Files.readString(directory.resolve("left.conf"))
                .replace("aes128gcm16-prfsha256-x25519",
                        "aes128gcm16-prfsha256-x25519, aes256gcm16-prfsha384-ecp384"));
        assertEquals("1 IKE connections (0 unchanged, 1 changed, 0 added, 0 removed)",
                sides[0].service.replace(changed));
        assertEquals(spi, sides[0].service.status().getFirst().initiatorSpi(), "a changed connection's SA stays");

        IkeConfiguration none = load("left.conf", "connections {\n}\n");
        assertEquals("0 IKE connections (0 unchanged, 0 changed, 0 added, 1 removed)", sides[0].service.replace(none));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!sides[0].service.status().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), sides[0].service.status(), "a removed connection's SA is deleted");
    }

    @Test
    void verifiedEspFromANewMappingMovesOnlyTheSideThatSeesItsPeerBehindANat() throws Exception {
        Side[] sides = pair("0x0102030405060708", "0x0102030405060708");
        // encap = yes fakes left's NAT detection: right takes left for a peer behind a NAT, left sees none at right.
        sides[0].service.replace(load("left.conf", Files.readString(directory.resolve("left.conf")).replace(
                "proposals = aes128gcm16-prfsha256-x25519", "proposals = aes128gcm16-prfsha256-x25519\n    encap = yes")));
        assertTrue(sides[0].service.up("t", null, Duration.ofSeconds(10)).ok());
        StatusReport.IkeSaReport r = awaitSa(sides[1]);
        StatusReport.IkeSaReport l = sides[0].service.status().getFirst();
        assertTrue(r.remoteBehindNat() && !l.remoteBehindNat(), r + "\n" + l);

        // As the inbound thread reports it; status() queues behind it on the IKE thread.
        sides[1].service.espPeerMoved(spi(r.children().getFirst().inboundSpi()), IpAddress.parse("192.0.2.77"), 40000);
        StatusReport.IkeSaReport moved = sides[1].service.status().getFirst();
        assertEquals("192.0.2.77", moved.remoteAddress());
        assertEquals(40000, moved.remotePort());
        assertEquals(r.initiatorSpi(), moved.initiatorSpi());
        assertTrue(sides[1].log.stream().anyMatch(line -> line.startsWith("ike: PEER_ADDRESS_CHANGED t[")
                && line.endsWith("192.0.2.1:4500 -> 192.0.2.77:40000 (ESP)")), sides[1].log.toString());

        sides[0].service.espPeerMoved(spi(l.children().getFirst().inboundSpi()), IpAddress.parse("192.0.2.78"), 40001);
        StatusReport.IkeSaReport stayed = sides[0].service.status().getFirst();
        assertEquals("192.0.2.2", stayed.remoteAddress(), "no NAT seen at the peer: ESP from elsewhere moves nothing");
        assertEquals(4500, stayed.remotePort());
    }

    private static int spi(String hex) {
        return Integer.parseUnsignedInt(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    }

    private static StatusReport.IkeSaReport awaitSa(Side side) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<StatusReport.IkeSaReport> sas = side.service.status();
            if (!sas.isEmpty() && sas.getFirst().state().equals("ESTABLISHED") && !sas.getFirst().children().isEmpty()) {
                return sas.getFirst();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no IKE SA: " + side.log);
    }
}
