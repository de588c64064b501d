package org.ipsec4j.wire.pcap;

import java.util.Objects;
import org.ipsec4j.wire.MalformedPacketException;

import static org.ipsec4j.wire.BigEndian.u16;

/**
 * Finds the network-layer packet inside a captured frame by walking its link-layer header.
 *
 * <p>Layouts follow the tcpdump.org LINKTYPE_ pages. Offsets in {@link MalformedPacketException}s are indices
 * into the array given.
 */
public final class LinkLayer {

    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int VLAN_TAG_LENGTH = 4;
    static final int SLL_HEADER_LENGTH = 16;
    static final int SLL2_HEADER_LENGTH = 20;
    static final int NFLOG_HEADER_LENGTH = 4;
    static final int NFLOG_TLV_HEADER_LENGTH = 4;
    /** NFULA_PAYLOAD in linux/netfilter/nfnetlink_log.h. */
    static final int NFULA_PAYLOAD = 9;

    private static final int TPID_8021Q = 0x8100;
    private static final int TPID_8021AD = 0x88A8;
    /** Pre-standard QinQ outer tag, still emitted by some switches. */
    private static final int TPID_QINQ_LEGACY = 0x9100;
    /** EtherType values up to 1500 are IEEE 802.3 length fields, not types. */
    private static final int MAX_8023_LENGTH = 1500;

    /** Linux ARPHRD_ types whose SLL "protocol" field is not an EtherType. */
    private static final int ARPHRD_FRAD = 770;
    private static final int ARPHRD_IEEE80211_RADIOTAP = 803;
    private static final int ARPHRD_NETLINK = 824;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private LinkLayer() {}

    /** Locates the network payload of a captured packet. */
    public static NetworkPayload locate(CapturedPacket packet) {
        return locate(packet.linkType(), packet.data(), 0, packet.data().length);
    }

    /**
     * Locates the network payload of the frame in {@code frame[offset, offset + length)}.
     *
     * @throws MalformedPacketException if the link-layer header is truncated or inconsistent
     */
    public static NetworkPayload locate(LinkType linkType, byte[] frame, int offset, int length) {
        Objects.requireNonNull(linkType, "linkType");
        Objects.checkFromIndexSize(offset, length, frame.length);
        int end = offset + length;
        return switch (linkType) {
            case ETHERNET -> ethernet(frame, offset, end);
            case LINUX_SLL -> linuxCooked(frame, offset, end);
            case LINUX_SLL2 -> linuxCookedV2(frame, offset, end);
            case RAW -> raw(frame, offset, end);
            case IPV4 -> new NetworkPayload(offset, length, NetworkProtocol.IPV4, NetworkPayload.ETHERTYPE_IPV4, -1, -1);
            case IPV6 -> new NetworkPayload(offset, length, NetworkProtocol.IPV6, NetworkPayload.ETHERTYPE_IPV6, -1, -1);
            case NFLOG -> nflog(frame, offset, end);
        };
    }

    private static NetworkPayload ethernet(byte[] frame, int start, int end) {
        require(frame, start, end, ETHERNET_HEADER_LENGTH, "ethernet.type", start + 12);
        int etherType = u16(frame, start + 12);
        if (etherType <= MAX_8023_LENGTH) {
            return new NetworkPayload(start + ETHERNET_HEADER_LENGTH, end - start - ETHERNET_HEADER_LENGTH,
                    NetworkProtocol.OTHER, -1, -1, -1);
        }
        return afterEtherType(frame, start + ETHERNET_HEADER_LENGTH, end, etherType, -1, -1);
    }

    // LINKTYPE_LINUX_SLL: packet type(2) ARPHRD(2) address length(2) address(8) protocol(2).
    private static NetworkPayload linuxCooked(byte[] frame, int start, int end) {
        require(frame, start, end, SLL_HEADER_LENGTH, "sll.protocol", start + 14);
        int packetType = u16(frame, start);
        int hardwareType = u16(frame, start + 2);
        int protocol = u16(frame, start + 14);
        return afterCookedHeader(frame, start + SLL_HEADER_LENGTH, end, hardwareType, protocol, -1, packetType);
    }

    // LINKTYPE_LINUX_SLL2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8).
    private static NetworkPayload linuxCookedV2(byte[] frame, int start, int end) {
        require(frame, start, end, SLL2_HEADER_LENGTH, "sll2.header", start);
        int protocol = u16(frame, start);
        int ifIndex = (u16(frame, start + 4) << 16) | u16(frame, start + 6);
        int hardwareType = u16(frame, start + 8);
        int packetType = frame[start + 10] & 0xFF;
        return afterCookedHeader(frame, start + SLL2_HEADER_LENGTH, end, hardwareType, protocol, ifIndex, packetType);
    }

    private static NetworkPayload afterCookedHeader(byte[] frame, int payload, int end, int hardwareType,
            int protocol, int ifIndex, int packetType) {
        boolean protocolIsEtherType = hardwareType != ARPHRD_NETLINK
                && hardwareType != ARPHRD_IEEE80211_RADIOTAP
                && hardwareType != ARPHRD_FRAD
                && protocol > MAX_8023_LENGTH;
        if (!protocolIsEtherType) {
            return new NetworkPayload(payload, end - payload, NetworkProtocol.OTHER, -1, ifIndex, packetType);
        }
        // libpcap re-inserts VLAN tags the kernel stripped, so a cooked frame can carry them too.
        return afterEtherType(frame, payload, end, protocol, ifIndex, packetType);
    }

    private static NetworkPayload afterEtherType(byte[] frame, int payload, int end, int etherType, int ifIndex,
            int packetType) {
        int type = etherType;
        int position = payload;
        while (type == TPID_8021Q || type == TPID_8021AD || type == TPID_QINQ_LEGACY) {
            // 802.1Q tag: TCI(2) then the next EtherType(2).
            require(frame, position, end, VLAN_TAG_LENGTH, "vlan.type", position + 2);
            type = u16(frame, position + 2);
            position += VLAN_TAG_LENGTH;
        }
        return new NetworkPayload(position, end - position, protocolOf(type), type, ifIndex, packetType);
    }

    private static NetworkPayload raw(byte[] frame, int start, int end) {
        require(frame, start, end, 1, "raw.version", start);
        int version = (frame[start] & 0xFF) >>> 4;
        return switch (version) {
            case 4 -> new NetworkPayload(start, end - start, NetworkProtocol.IPV4, NetworkPayload.ETHERTYPE_IPV4, -1, -1);
            case 6 -> new NetworkPayload(start, end - start, NetworkProtocol.IPV6, NetworkPayload.ETHERTYPE_IPV6, -1, -1);
            default -> new NetworkPayload(start, end - start, NetworkProtocol.OTHER, -1, -1, -1);
        };
    }

    /**
     * LINKTYPE_NFLOG: family(1) version(1) resource id(2), then TLVs of length(2) type(2) value, each padded to
     * 4 bytes. TLV headers are little-endian here (see {@link LinkType#NFLOG}). A packet logged without its
     * payload (NFULA_PAYLOAD absent) yields an empty OTHER payload.
     */
    private static NetworkPayload nflog(byte[] frame, int start, int end) {
        require(frame, start, end, NFLOG_HEADER_LENGTH, "nflog.header", start);
        int family = frame[start] & 0xFF;
        int position = start + NFLOG_HEADER_LENGTH;
        while (end - position >= NFLOG_TLV_HEADER_LENGTH) {
            int tlvLength = u16LittleEndian(frame, position);
            int tlvType = u16LittleEndian(frame, position + 2);
            if (tlvLength < NFLOG_TLV_HEADER_LENGTH) {
                throw new MalformedPacketException("nflog.tlv_length", position,
                        tlvLength + " is shorter than the 4-byte TLV header");
            }
            if (tlvLength > end - position) {
                throw new MalformedPacketException("nflog.tlv_length", position,
                        tlvLength + " runs past the end of the frame (" + (end - position) + " bytes left)");
            }
            if (tlvType == NFULA_PAYLOAD) {
                int payload = position + NFLOG_TLV_HEADER_LENGTH;
                int payloadLength = tlvLength - NFLOG_TLV_HEADER_LENGTH;
                return switch (family) {
                    case AF_INET -> new NetworkPayload(payload, payloadLength, NetworkProtocol.IPV4,
                            NetworkPayload.ETHERTYPE_IPV4, -1, -1);
                    case AF_INET6 -> new NetworkPayload(payload, payloadLength, NetworkProtocol.IPV6,
                            NetworkPayload.ETHERTYPE_IPV6, -1, -1);
                    default -> new NetworkPayload(payload, payloadLength, NetworkProtocol.OTHER, -1, -1, -1);
                };
            }
            position += align4(tlvLength);
        }
        return new NetworkPayload(end, 0, NetworkProtocol.OTHER, -1, -1, -1);
    }

    private static NetworkProtocol protocolOf(int etherType) {
        return switch (etherType) {
            case NetworkPayload.ETHERTYPE_IPV4 -> NetworkProtocol.IPV4;
            case NetworkPayload.ETHERTYPE_IPV6 -> NetworkProtocol.IPV6;
            default -> NetworkProtocol.OTHER;
        };
    }

    private static void require(byte[] frame, int start, int end, int needed, String field, int fieldOffset) {
        if (end - start < needed) {
            throw new MalformedPacketException(field, fieldOffset,
                    "truncated: header needs " + needed + " bytes from offset " + start + ", frame has "
                            + (end - start));
        }
    }

    static int align4(int length) {
        return (length + 3) & ~3;
    }

    private static int u16LittleEndian(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }
}
