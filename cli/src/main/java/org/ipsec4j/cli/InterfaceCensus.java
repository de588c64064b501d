package org.ipsec4j.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.ipsec4j.wire.MalformedPacketException;
import org.ipsec4j.wire.pcap.CaptureFormat;
import org.ipsec4j.wire.pcap.CaptureFormatException;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import org.ipsec4j.wire.pcap.LinkType;

/**
 * Finds out, before the summary prints its first line, whether a capture holds packets from more than one
 * interface, so that every line can carry the interface or none does.
 *
 * <p>A classic pcap file of any link type but Linux cooked v2 has one interface and costs only its header.
 * Otherwise the file is read once ahead, in constant memory, until packets on a second pcapng interface
 * turn up or the file ends; a format error ends the census quietly (the summary itself reports it).
 */
final class InterfaceCensus {

    private InterfaceCensus() {}

    /**
     * @throws IOException if the file cannot be opened or does not start as a capture: the same error the
     *                     summary would meet first
     */
    static InterfaceColumn of(Path file) throws IOException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            return of(reader);
        }
    }

    /** Reads {@code reader}, freshly opened, as far as it takes to decide. */
    static InterfaceColumn of(CaptureReader reader) throws IOException {
        boolean oneInterface = reader.format() == CaptureFormat.PCAP
                && reader.interfaces().getFirst().linkType() != LinkType.LINUX_SLL2;
        return oneInterface ? InterfaceColumn.NONE : count(reader);
    }

    private static InterfaceColumn count(CaptureReader reader) throws IOException {
        int firstInterface = -1;
        int firstIfIndex = -1;
        boolean severalInterfaces = false;
        boolean severalIfIndexes = false;
        try {
            CapturedPacket packet;
            while (!severalInterfaces && (packet = reader.next()) != null) {
                if (firstInterface < 0) {
                    firstInterface = packet.interfaceId();
                } else if (packet.interfaceId() != firstInterface) {
                    severalInterfaces = true; // all we need to know: the column is shown, names and ifindexes
                }
                if (packet.linkType() == LinkType.LINUX_SLL2 && !severalIfIndexes) {
                    int ifIndex = ifIndexOf(packet);
                    if (firstIfIndex < 0) {
                        firstIfIndex = ifIndex;
                    } else if (ifIndex >= 0 && ifIndex != firstIfIndex) {
                        severalIfIndexes = true;
                        if (reader.format() == CaptureFormat.PCAP) {
                            break; // one pcap interface: nothing more to learn
                        }
                    }
                }
            }
        } catch (CaptureFormatException e) {
            // Truncated or broken further on: decide on the packets before it; the summary reports the error.
        }
        return new InterfaceColumn(severalInterfaces, severalIfIndexes);
    }

    private static int ifIndexOf(CapturedPacket packet) {
        try {
            return packet.network().ifIndex();
        } catch (MalformedPacketException e) {
            return -1;
        }
    }
}
