package org.ipsec4j.linux;

/**
 * The {@code struct virtio_net_hdr} (linux/virtio_net.h; 10 bytes, little-endian on little-endian hosts, which
 * is what a TUN device uses unless TUNSETVNETBE says otherwise) in front of every packet of a TUN device opened
 * with {@link TunOptions#virtioNetHeader()}:
 *
 * <pre>
 *   0 u8    flags         NEEDS_CSUM: checksum from csum_start, stored at csum_start + csum_offset, is ours to do
 *   1 u8    gso_type      NONE, TCPV4, TCPV6, UDP_L4 (+ ECN bit): the packet is a super-packet to cut
 *   2 le16  hdr_len       length of the headers (IP + transport) repeated in each segment
 *   4 le16  gso_size      payload bytes per segment (the MSS for TCP)
 *   6 le16  csum_start    offset of the transport header
 *   8 le16  csum_offset   where in it the checksum field lies (16 for TCP, 6 for UDP)
 * </pre>
 *
 * Static accessors over {@code byte[]} with an offset, so reading a packet allocates nothing.
 */
public final class VirtioNetHeader {

    public static final int LENGTH = 10;

    public static final int FLAG_NEEDS_CHECKSUM = 0x01;
    public static final int FLAG_DATA_VALID = 0x02;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation (UDP_SEGMENT super-packets), Linux 6.2 and later. */
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }

    public static int flags(byte[] buf, int off) {
        return buf[off] & 0xFF;
    }

    /** The segmentation type without the {@link #GSO_ECN} bit. */
    public static int gsoType(byte[] buf, int off) {
        return buf[off + 1] & 0x7F;
    }

    public static boolean gsoEcn(byte[] buf, int off) {
        return (buf[off + 1] & GSO_ECN) != 0;
    }

    public static int headerLength(byte[] buf, int off) {
        return le16(buf, off + 2);
    }

    public static int gsoSize(byte[] buf, int off) {
        return le16(buf, off + 4);
    }

    public static int checksumStart(byte[] buf, int off) {
        return le16(buf, off + 6);
    }

    public static int checksumOffset(byte[] buf, int off) {
        return le16(buf, off + 8);
    }

    /** A header saying: plain packet, checksums complete (what to write in front of an ordinary packet). */
    public static void writeNone(byte[] buf, int off) {
        java.util.Arrays.fill(buf, off, off + LENGTH, (byte) 0);
    }

    public static void write(byte[] buf, int off, int flags, int gsoType, int headerLength, int gsoSize,
                             int checksumStart, int checksumOffset) {
        buf[off] = (byte) flags;
        buf[off + 1] = (byte) gsoType;
        putLe16(buf, off + 2, headerLength);
        putLe16(buf, off + 4, gsoSize);
        putLe16(buf, off + 6, checksumStart);
        putLe16(buf, off + 8, checksumOffset);
    }

    private static int le16(byte[] buf, int off) {
        return (buf[off] & 0xFF) | (buf[off + 1] & 0xFF) << 8;
    }

    private static void putLe16(byte[] buf, int off, int value) {
        buf[off] = (byte) value;
        buf[off + 1] = (byte) (value >>> 8);
    }

    /** For logs: {@code vnet[flags=1 gso=TCPV4 hdr=52 size=1448 csum=20+16]}. */
    public static String toString(byte[] buf, int off) {
        String type = switch (gsoType(buf, off)) {
            case GSO_NONE -> "NONE";
            case GSO_TCPV4 -> "TCPV4";
            case GSO_UDP -> "UDP";
            case GSO_TCPV6 -> "TCPV6";
            case GSO_UDP_L4 -> "UDP_L4";
            default -> Integer.toString(gsoType(buf, off));
        };
        return "vnet[flags=" + flags(buf, off) + " gso=" + type + (gsoEcn(buf, off) ? "+ECN" : "") + " hdr="
                + headerLength(buf, off) + " size=" + gsoSize(buf, off) + " csum=" + checksumStart(buf, off) + "+"
                + checksumOffset(buf, off) + "]";
    }
}
