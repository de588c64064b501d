package org.ipsec4j.daemon.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.ipsec4j.daemon.dump.TunnelDumps;
import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.ike.keys.IkeDecryptor;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IKE service's side of a tunnel dump, two services in memory: starting it makes the engine's observer feed
 * the dump, the answers say what is written and what is refused, and the files hold the handshake in the clear
 * and on the wire, with keys that open the one into the other.
 */
class IkeServiceDumpTest {

    @TempDir
    Path directory;

    private final List<IkeService> services = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        services.forEach(IkeService::close);
    }

    private IkeConfiguration load(String name, String local, String remote, String localId, String remoteId,
            String localTs, String remoteTs) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, """
                connections {
                  t {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes256-sha384-ecp384
                    # no path MTU probes: the dump below counts the handshake's messages exactly
                    pmtu_discovery = no
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
                        esp_proposals = aes128-sha256
                      }
                    }
                  }
                }
                secrets {
                  ike {
                    id-a = %s
                    id-b = %s
                    secret = 0x0102030405060708
                  }
                }
                """.formatted(local, remote, localId, remoteId, localTs, remoteTs, localId, remoteId));
        return SwanctlTranslator.load(file, SourceAddressResolver.NONE, Map.of());
    }

    private IkeService start(IkeConfiguration configuration, Consumer<IkeDatagram> link, TunnelDumps dumps) {
        IkeService service = IkeService.start(configuration, new GatedKernel(new DataPlaneKernel(
                new DataPlane(new SecurityPolicyDatabase(), new SecurityAssociationDatabase()), System::nanoTime),
                new DataPlaneGate()), link::accept, vips -> { }, dumps, log::add);
        services.add(service);
        return service;
    }

    @Test
    void aDumpOfAHandshake() throws Exception {
        IkeService[] peer = new IkeService[2];
        TunnelDumps dumps = new TunnelDumps(log::add);
        peer[0] = start(load("l.conf", "192.0.2.1", "192.0.2.2", "left.test", "right.test", "10.0.1.0/24",
                "10.0.2.0/24"), d -> peer[1].receive(new IkeDatagram(d.remote(), d.local(), d.data())), dumps);
        peer[1] = start(load("r.conf", "192.0.2.2", "192.0.2.1", "right.test", "left.test", "10.0.2.0/24",
                "10.0.1.0/24"), d -> peer[0].receive(new IkeDatagram(d.remote(), d.local(), d.data())),
                new TunnelDumps(log::add));
        IkeService left = peer[0];
        Path dir = directory.resolve("dump");

        assertEquals("no connection named 'x' (connections: t)", left.startDump("x", dir, false).message());
        IkeService.Outcome start = left.startDump("t", dir, true);
        assertTrue(start.ok(), start.text());
        assertTrue(start.text().contains(dir.resolve("t.keys").toString()), start.text());
        assertTrue(start.text().contains("nothing to rekey: no SA is up"), start.text());
        assertFalse(left.startDump("t", dir, false).ok(), "one dump per connection");
        assertTrue(left.up("t", null, Duration.ofSeconds(10)).ok());
        IkeService.Outcome stop = left.stopDump("t");
        assertTrue(stop.ok(), stop.text());
        assertTrue(stop.message().startsWith("t: dump stopped; 4 IKE messages in the clear, 4 IKE datagrams, "
                + "0 ESP packets, 0 inner packets; keys of 1 IKE SAs and 1 Child SAs"), stop.message());
        assertEquals("no dump of t runs", left.stopDump("t").message());

        List<byte[]> clear = udpPayloads(dir.resolve("t-ike-decrypted.pcapng"));
        List<byte[]> wire = udpPayloads(dir.resolve("t-ike.pcapng"));
        IkeMessage authRequest = MessageCodec.decode(clear.get(2), 0, clear.get(2).length);
        assertEquals(ExchangeType.IKE_AUTH, authRequest.header().exchange());
        assertEquals("left.test", new String(authRequest.first(IdentificationPayload.class).data()));
        KeyLog keys = KeyLog.read(dir.resolve("t.keys"));
        assertEquals(2, keys.espSas().size());
        try (IkeDecryptor d = new IkeDecryptor(keys)) {
            for (int i = 0; i < 4; i++) {
                byte[] m = wire.get(i);
                byte[] opened = switch (d.decrypt(m, 0, m.length)) {
                    case IkeDecryptor.Plain p -> m;
                    case IkeDecryptor.Decrypted dec -> dec.unencrypted();
                    default -> throw new AssertionError("not opened: message " + i);
                };
                assertTrue(Arrays.equals(clear.get(i), opened), "message " + i + " on the wire opens into the clear one");
            }
        }
    }

    private static List<byte[]> udpPayloads(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (CapturedPacket p = r.next(); p != null; p = r.next()) {
                Ipv4Packet ip = Ipv4Packet.parse(p.data(), 0, p.data().length);
                UdpDatagram u = UdpDatagram.parse(p.data(), ip.payloadOffset(), ip.payloadLength());
                int marker = u.destinationPort() == 500 || u.sourcePort() == 500 ? 0 : 4;
                out.add(Arrays.copyOfRange(p.data(), u.payloadOffset() + marker, u.payloadOffset() + u.payloadLength()));
            }
        }
        return out;
    }
}
