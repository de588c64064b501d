package org.ipsec4j.wire.pcap;

import org.ipsec4j.wire.BigEndian;

/**
 * NFLOG TLV lengths and types are stored in the byte order of the file that holds them (tcpdump.org
 * LINKTYPE_NFLOG). The reader turns them little-endian, so {@link LinkLayer} reads one order only.
 */
final class NflogHeaders {

    private NflogHeaders() {}

    /** Swaps each TLV header of a big-endian NFLOG frame in place; stops quietly at the first bad TLV. */
    static void bigToLittleEndian(byte[] frame) {
        int position = LinkLayer.NFLOG_HEADER_LENGTH;
        while (frame.length - position >= LinkLayer.NFLOG_TLV_HEADER_LENGTH) {
            int length = BigEndian.u16(frame, position);
            swap(frame, position);
            swap(frame, position + 2);
            if (length < LinkLayer.NFLOG_TLV_HEADER_LENGTH) {
                return;
            }
            position += LinkLayer.align4(length);
        }
    }

    private static void swap(byte[] b, int i) {
        byte t = b[i];
        b[i] = b[i + 1];
        b[i + 1] = t;
    }
}
