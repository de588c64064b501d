package org.ipsec4j.daemon.loop;

import static org.ipsec4j.daemon.loop.TcpSegmenter.get16;
import static org.ipsec4j.daemon.loop.TcpSegmenter.get32;
import static org.ipsec4j.daemon.loop.TcpSegmenter.put16;

import java.io.IOException;
import java.util.Arrays;

import org.ipsec4j.linux.VirtioNetHeader;
import org.ipsec4j.wire.InternetChecksum;

/**
 * Generic receive offload in user space, for writes to a TUN device opened with a virtio-net header: runs of
 * decrypted TCP segments of one flow (same addresses, ports, ACK, window, options, IP fields; consecutive
 * sequence numbers; ACK or ACK|PSH only; equal payload sizes, the last maybe shorter) are joined into one
 * super-packet of up to 64 KB and written once, with GSO_TCPV4/GSO_TCPV6 and a partial checksum, as the
 * kernel's own GRO would have handed them up. One write and one pass through the stack instead of dozens.
 * Anything else is written as it came. Not thread-safe.
 */
final class TcpCoalescer {

    /** Where a packet goes: the device, header included. */
    @FunctionalInterface
    interface TunWriter {
        void write(byte[] buf, int off, int len) throws IOException;
    }

    private static final int HEADER = VirtioNetHeader.LENGTH;
    private static final int MAX_PACKET = 65_535;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final TunWriter writer;
    private final byte[] pending = new byte[HEADER + MAX_PACKET];
    private int length;         // packet bytes pending (0: none)
    private int version;
    private int tcpOffset;
    private int headerLength;
    private int segmentSize;
    private int segments;
    private int nextSequence;
    private boolean closed;     // a shorter or PSH segment ended the run
    private long written;
    private long joined;

    TcpCoalescer(TunWriter writer) {
        this.writer = writer;
    }

    /**
     * Takes one decrypted IP packet at {@code buf[off .. off+len)}, which must have {@link VirtioNetHeader#LENGTH}
     * bytes free before it: appended to the pending run, starting a new one, or written at once.
     */
    void add(byte[] buf, int off, int len) throws IOException {
        int tcp = coalescableTcpOffset(buf, off, len);
        if (tcp < 0) {
            flush();
            writePlain(buf, off, len);
            return;
        }
        if (length > 0 && extends_(buf, off, len, tcp)) {
            int payload = len - headerLength;
            System.arraycopy(buf, off + headerLength, pending, HEADER + length, payload);
            length += payload;
            segments++;
            nextSequence += payload;
            if (payload < segmentSize || (buf[off + tcp + 13] & PSH) != 0) {
                pending[HEADER + tcpOffset + 13] |= (byte) (buf[off + tcp + 13] & PSH);
                closed = true;
            }
            return;
        }
        flush();
        int tcpHeader = ((buf[off + tcp + 12] & 0xFF) >>> 4) * 4;
        version = (buf[off] & 0xFF) >>> 4;
        tcpOffset = tcp;
        headerLength = tcp + tcpHeader;
        segmentSize = len - headerLength;
        segments = 1;
        nextSequence = get32(buf, off + tcp + 4) + segmentSize;
        closed = (buf[off + tcp + 13] & PSH) != 0;
        System.arraycopy(buf, off, pending, HEADER, len);
        length = len;
    }

    /**
     * The TCP header offset if the packet may be joined to others: IPv4 without options or fragmentation, or
     * IPv6 with TCP right after the fixed header; ACK with or without PSH; some payload. Else -1.
     */
    private static int coalescableTcpOffset(byte[] b, int off, int len) {
        if (len < 40) {
            return -1;
        }
        int version = (b[off] & 0xFF) >>> 4;
        int tcp;
        if (version == 4) {
            if ((b[off] & 0x0F) != 5 || (b[off + 9] & 0xFF) != TcpSegmenter.TCP || (get16(b, off + 6) & 0x3FFF) != 0
                    || get16(b, off + 2) != len) {
                return -1;
            }
            tcp = 20;
        } else if (version == 6) {
            if ((b[off + 6] & 0xFF) != TcpSegmenter.TCP || get16(b, off + 4) != len - 40 || len < 60) {
                return -1;
            }
            tcp = 40;
        } else {
            return -1;
        }
        int flags = b[off + tcp + 13] & 0xFF;
        int tcpHeader = ((b[off + tcp + 12] & 0xFF) >>> 4) * 4;
        if ((flags & ~PSH) != ACK || tcpHeader < 20 || tcp + tcpHeader >= len) {
            return -1;
        }
        return tcp;
    }

    /** Whether the packet continues the pending run exactly. */
    private boolean extends_(byte[] b, int off, int len, int tcp) {
        if (closed || (b[off] & 0xFF) >>> 4 != version || tcp != tcpOffset
                || ((b[off + tcp + 12] & 0xFF) >>> 4) * 4 != headerLength - tcpOffset) {
            return false;
        }
        int payload = len - headerLength;
        if (payload > segmentSize || length + payload > MAX_PACKET || get32(b, off + tcp + 4) != nextSequence) {
            return false;
        }
        int p = HEADER;
        if (version == 4) {
            // TOS, flags/fragment, TTL, protocol, addresses; not length, identification or checksum
            if (b[off + 1] != pending[p + 1] || !Arrays.equals(b, off + 6, off + 10, pending, p + 6, p + 10)
                    || !Arrays.equals(b, off + 12, off + 20, pending, p + 12, p + 20)) {
                return false;
            }
        } else {
            // version, traffic class, flow label; next header, hop limit, addresses; not the payload length
            if (!Arrays.equals(b, off, off + 4, pending, p, p + 4) || !Arrays.equals(b, off + 6, off + 40, pending,
                    p + 6, p + 40)) {
                return false;
            }
        }
        int t = off + tcp;
        int q = p + tcpOffset;
        // ports; ACK number; data offset; window; options; the flags as checked (ACK, maybe PSH)
        return Arrays.equals(b, t, t + 4, pending, q, q + 4)
                && Arrays.equals(b, t + 8, t + 13, pending, q + 8, q + 13)
                && Arrays.equals(b, t + 14, t + 16, pending, q + 14, q + 16)
                && Arrays.equals(b, t + 20, off + headerLength, pending, q + 20, p + headerLength);
    }

    /** Writes the pending run, if any. */
    void flush() throws IOException {
        if (length == 0) {
            return;
        }
        int p = HEADER;
        if (segments == 1) {
            VirtioNetHeader.writeNone(pending, 0);
        } else {
            int tcpLength = length - tcpOffset;
            int pseudo;
            if (version == 4) {
                put16(pending, p + 2, length);
                put16(pending, p + 10, 0);
                put16(pending, p + 10, InternetChecksum.compute(pending, p, tcpOffset));
                pseudo = InternetChecksum.pseudoHeaderSumV4(pending, p + 12, p + 16, TcpSegmenter.TCP, tcpLength);
            } else {
                put16(pending, p + 4, length - 40);
                pseudo = InternetChecksum.pseudoHeaderSumV6(pending, p + 8, p + 24, TcpSegmenter.TCP, tcpLength);
            }
            // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; the kernel completes it only if it must.
            put16(pending, p + tcpOffset + 16, pseudo);
            VirtioNetHeader.write(pending, 0, VirtioNetHeader.FLAG_NEEDS_CHECKSUM,
                    version == 4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6, headerLength, segmentSize,
                    tcpOffset, 16);
            joined += segments;
        }
        written++;
        int total = HEADER + length;
        length = 0;
        writer.write(pending, 0, total);
    }

    private void writePlain(byte[] buf, int off, int len) throws IOException {
        VirtioNetHeader.writeNone(buf, off - HEADER);
        written++;
        writer.write(buf, off - HEADER, len + HEADER);
    }

    /** Writes made, and segments that went out joined to others (for tests and diagnostics). */
    long writes() {
        return written;
    }

    long joinedSegments() {
        return joined;
    }
}
