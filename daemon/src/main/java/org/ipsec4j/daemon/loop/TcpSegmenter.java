package org.ipsec4j.daemon.loop;

import org.ipsec4j.wire.InternetChecksum;

/**
 * Cuts the TCP super-packets a TUN device with TCP segmentation offload hands over (virtio-net header
 * GSO_TCPV4/GSO_TCPV6: one IP and TCP header, then up to 64 KB of payload) into the segments the kernel
 * would otherwise have made: {@code gsoSize} bytes of payload each, the last shorter; per segment the IPv4
 * total length, identification (+1 per segment) and header checksum or the IPv6 payload length, the TCP
 * sequence number, the flags (FIN and PSH only on the last, CWR only on the first: RFC 3168 §6.1.2) and a
 * full TCP checksum (RFC 9293 §3.1), so the peer needs no offload to read them. Also completes the partial
 * checksums of ordinary packets (VIRTIO_NET_HDR_F_NEEDS_CSUM). One instance per thread; allocates nothing.
 */
final class TcpSegmenter {

    static final int TCP = 6;
    private static final int FLAG_FIN = 0x01;
    private static final int FLAG_PSH = 0x08;
    private static final int FLAG_CWR = 0x80;

    /** Receives each segment; the buffer is reused for the next one. */
    @FunctionalInterface
    interface SegmentSink {
        void segment(byte[] buf, int off, int len);
    }

    private TcpSegmenter() {}

    /**
     * Completes a partial checksum (NEEDS_CSUM): the field at {@code csumStart + csumOffset} holds the pseudo
     * header sum; the checksum is that plus everything from {@code csumStart} to the end.
     *
     * @return false if the offsets lie outside the packet (it is then left alone)
     */
    static boolean completeChecksum(byte[] buf, int off, int len, int csumStart, int csumOffset) {
        int field = csumStart + csumOffset;
        if (csumStart < 0 || field + 2 > len) {
            return false;
        }
        int checksum = InternetChecksum.fold(InternetChecksum.sum(buf, off + csumStart, len - csumStart, 0));
        if (checksum == 0 && csumOffset == 6) {
            checksum = 0xFFFF; // UDP: a computed zero is sent as all ones (RFC 768)
        }
        put16(buf, off + field, checksum);
        return true;
    }

    /**
     * Segments the super-packet at {@code src[off .. off+len)}.
     *
     * @param tcpOffset where the TCP header starts (the header's csum_start)
     * @param gsoSize   payload bytes per segment
     * @param out       the segment buffer; each segment is built at {@code out[outOff]}
     * @return the number of segments, or -1 if the packet is not a TCP super-packet we can cut
     */
    static int segment(byte[] src, int off, int len, int tcpOffset, int gsoSize, byte[] out, int outOff,
            SegmentSink sink) {
        int version = (src[off] & 0xFF) >>> 4;
        if (len < 20 || gsoSize <= 0 || (version != 4 && version != 6)) {
            return -1;
        }
        if (version == 4 ? tcpOffset != (src[off] & 0x0F) * 4 || (src[off + 9] & 0xFF) != TCP : tcpOffset < 40) {
            return -1;
        }
        if (tcpOffset + 20 > len) {
            return -1;
        }
        int tcpHeaderLength = ((src[off + tcpOffset + 12] & 0xFF) >>> 4) * 4;
        int headerLength = tcpOffset + tcpHeaderLength;
        if (tcpHeaderLength < 20 || headerLength > len || outOff + headerLength + gsoSize > out.length) {
            return -1;
        }
        int payload = len - headerLength;
        int sequence = get32(src, off + tcpOffset + 4);
        int identification = version == 4 ? get16(src, off + 4) : 0;
        int flags = src[off + tcpOffset + 13] & 0xFF;
        int segments = 0;
        for (int start = 0; start < payload || (payload == 0 && segments == 0); start += gsoSize) {
            int chunk = Math.min(gsoSize, payload - start);
            boolean last = start + chunk >= payload;
            System.arraycopy(src, off, out, outOff, headerLength);
            System.arraycopy(src, off + headerLength + start, out, outOff + headerLength, chunk);
            int total = headerLength + chunk;
            int tcp = outOff + tcpOffset;
            if (version == 4) {
                put16(out, outOff + 2, total);
                put16(out, outOff + 4, identification + segments);
                put16(out, outOff + 10, 0);
                put16(out, outOff + 10, InternetChecksum.compute(out, outOff, tcpOffset));
            } else {
                put16(out, outOff + 4, total - 40);
            }
            put32(out, tcp + 4, sequence + start);
            int segmentFlags = flags;
            if (!last) {
                segmentFlags &= ~(FLAG_FIN | FLAG_PSH);
            }
            if (segments > 0) {
                segmentFlags &= ~FLAG_CWR;
            }
            out[tcp + 13] = (byte) segmentFlags;
            int tcpLength = total - tcpOffset;
            int pseudo = version == 4
                    ? InternetChecksum.pseudoHeaderSumV4(out, outOff + 12, outOff + 16, TCP, tcpLength)
                    : InternetChecksum.pseudoHeaderSumV6(out, outOff + 8, outOff + 24, TCP, tcpLength);
            put16(out, tcp + 16, 0);
            put16(out, tcp + 16, InternetChecksum.fold(InternetChecksum.sum(out, tcp, tcpLength, pseudo)));
            sink.segment(out, outOff, total);
            segments++;
            if (payload == 0) {
                break;
            }
        }
        return segments;
    }

    static int get16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    static int get32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
