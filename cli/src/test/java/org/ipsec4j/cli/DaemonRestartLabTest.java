package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.PacketCapture;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Manual keys across a restart: the left daemon is stopped and started again with the same keys while a ping
 * runs through the tunnel. It continues above the sequence numbers it had reserved in its state directory, so
 * no (SPI, sequence number) pair, and with AES-GCM no nonce, appears twice on the wire, and the right daemon,
 * which ran on, drops nothing as replayed.
 */
@UsesLab
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DaemonRestartLabTest {

    @ParameterizedTest
    @EnumSource(value = TunnelLab.Encapsulation.class, names = {"UDP", "AH"})
    void aRestartedDaemonNeverRepeatsASequenceNumber(TunnelLab.Encapsulation encapsulation, Lab lab)
            throws Exception {
        TunnelLab tunnel = new TunnelLab(lab);
        TunnelLab.Setup setup = new TunnelLab.Setup(TunnelLab.Outer.V4, TunnelLab.Mode.TUNNEL, encapsulation);
        DaemonProcess[] pair = tunnel.startPair(setup);
        DaemonProcess left = pair[0];
        DaemonProcess right = pair[1];
        Path file = tunnel.directory.resolve("outer.pcap");
        PacketCapture capture = tunnel.link.b().capture(file,
                encapsulation == TunnelLab.Encapsulation.UDP ? new String[] {"udp", "port", "4500"} : new String[] {"ah"});
        BackgroundProcess ping = tunnel.left.start("ping", "-n", "-i", "0.05", "-c", "160", "-W", "1", "-I",
                TunnelLab.LEFT_INNER, TunnelLab.RIGHT_INNER);

        Thread.sleep(2500);
        long beforeRestart = (Long) DaemonProcess.sa(right.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT).get("packets");
        assertEquals(0, left.stop(), left.stderr());
        DaemonProcess restarted = DaemonProcess.start(tunnel.left, tunnel.directory.resolve("tunnel.setkey"),
                tunnel.control("left"), setup.daemonArguments());
        ping.waitFor(Duration.ofSeconds(40));
        capture.stop();

        long block = SequenceStateDirectory.DEFAULT_BLOCK;
        assertTrue(restarted.stderr().contains("has run with these keys before: its sequence numbers continue after "
                + block), restarted.stderr());
        Map<String, Object> rightIn = DaemonProcess.sa(right.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        long afterRestart = (Long) rightIn.get("packets") - beforeRestart;
        System.out.printf("%s: %d echo requests arrived before the restart, %d after%n", setup, beforeRestart,
                afterRestart);
        assertTrue(beforeRestart >= 20 && afterRestart >= 40, "traffic on both sides of the restart: " + rightIn);
        assertEquals(Map.of(), rightIn.get("drops"), "nothing replayed, nothing outside the window");
        Map<String, Object> leftOut = DaemonProcess.sa(restarted.statusJson(), TunnelLab.SPI_LEFT_TO_RIGHT);
        assertTrue((Long) leftOut.get("sequence_number") > block, leftOut.toString());
        assertTrue(Files.readString(DaemonProcess.stateDirectory(tunnel.control("left"))
                .resolve("%s-0x00001001-192.0.2.2.seq".formatted(encapsulation == TunnelLab.Encapsulation.AH ? "ah"
                        : "esp"))).contains("reserved-through " + 2 * block + "\n"));

        List<OuterPackets.OuterPacket> sent = OuterPackets.read(file).from(setup.outer().left).stream()
                .filter(p -> p.spi() == TunnelLab.SPI_LEFT_TO_RIGHT).toList();
        Set<Long> seen = new HashSet<>();
        long first = 0;
        long resumed = 0;
        for (OuterPackets.OuterPacket packet : sent) {
            assertTrue(seen.add(packet.sequence()), "sequence number " + packet.sequence() + " sent twice");
            if (packet.sequence() <= block) {
                first++;
            } else {
                resumed++;
            }
        }
        long arrived = (Long) rightIn.get("packets");
        if (capture.packetsDroppedByKernel() == 0) {
            assertEquals(first + resumed, arrived, "everything sent arrived: " + capture.tcpdumpOutput());
        } else {
            // tcpdump lost packets on a busy machine: the capture can only undercount what crossed the link.
            assertTrue(first + resumed <= arrived, "nothing arrived that was not sent: " + capture.tcpdumpOutput());
        }
        assertTrue(first >= 20 && resumed >= 40, first + " before, " + resumed + " after");
        assertEquals(0, restarted.stop(), restarted.stderr());
    }
}
