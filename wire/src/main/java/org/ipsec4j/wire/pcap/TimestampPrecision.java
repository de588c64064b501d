package org.ipsec4j.wire.pcap;

/** The fraction-of-second unit of a classic pcap file, chosen by its magic number. */
public enum TimestampPrecision {
    /** Magic 0xa1b2c3d4: the fraction field counts microseconds. */
    MICROSECONDS(0xa1b2c3d4, 1_000),
    /** Magic 0xa1b23c4d: the fraction field counts nanoseconds. */
    NANOSECONDS(0xa1b23c4d, 1);

    private final int magic;
    private final int nanosPerUnit;

    TimestampPrecision(int magic, int nanosPerUnit) {
        this.magic = magic;
        this.nanosPerUnit = nanosPerUnit;
    }

    int magic() {
        return magic;
    }

    int nanosPerUnit() {
        return nanosPerUnit;
    }
}
