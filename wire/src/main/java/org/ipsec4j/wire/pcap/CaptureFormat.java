package org.ipsec4j.wire.pcap;

/** The two capture file formats ipsec4j reads and writes. */
public enum CaptureFormat {
    /** Classic libpcap format (draft-ietf-opsawg-pcap): one link type, one file header. */
    PCAP,
    /** pcapng (draft-ietf-opsawg-pcapng): sections, interfaces and typed blocks. */
    PCAPNG
}
