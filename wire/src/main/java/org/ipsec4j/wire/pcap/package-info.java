/**
 * Capture files: reading and writing classic pcap (draft-ietf-opsawg-pcap) and pcapng
 * (draft-ietf-opsawg-pcapng), and finding the IP packet inside each captured frame.
 *
 * <ul>
 *   <li>{@link org.ipsec4j.wire.pcap.CaptureReader} streams packets out of either format, in constant memory,
 *       and reports malformed files as {@link org.ipsec4j.wire.pcap.CaptureFormatException} with the field and
 *       the file offset.</li>
 *   <li>{@link org.ipsec4j.wire.pcap.CaptureWriter} writes either format, buffered.</li>
 *   <li>{@link org.ipsec4j.wire.pcap.LinkLayer} walks the link-layer header of a
 *       {@link org.ipsec4j.wire.pcap.CapturedPacket} (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP,
 *       NFLOG) to the network payload.</li>
 * </ul>
 *
 * Link-type numbers and pseudo-header layouts are those of the tcpdump.org LINKTYPE_ registry.
 */
package org.ipsec4j.wire.pcap;
