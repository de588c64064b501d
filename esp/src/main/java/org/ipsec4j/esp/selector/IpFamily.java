package org.ipsec4j.esp.selector;

/** The two IP versions, with the length of their addresses and their IP-in-IP protocol number. */
public enum IpFamily {
    IPV4(4, 4),
    IPV6(6, 16);

    private final int version;
    private final int addressLength;

    IpFamily(int version, int addressLength) {
        this.version = version;
        this.addressLength = addressLength;
    }

    /** 4 or 6, as in the version nibble of the header. */
    public int version() {
        return version;
    }

    /** 4 or 16 bytes. */
    public int addressLength() {
        return addressLength;
    }

    /** The Next Header value of a packet of this family carried inside another: 4 (IPv4) or 41 (IPv6). */
    public int ipInIpProtocol() {
        return this == IPV4 ? 4 : 41;
    }

    /** The family named by a version nibble, or null. */
    public static IpFamily ofVersion(int version) {
        return switch (version) {
            case 4 -> IPV4;
            case 6 -> IPV6;
            default -> null;
        };
    }
}
