package org.ipsec4j.ike.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * One traffic selector (RFC 7296 §3.13.1): an address range of one family, an IP protocol (0 for any) and a
 * port range. A start port above the end port is the OPAQUE encoding (start 65535, end 0), so the order of
 * the ports is not checked here; neither is the order of the addresses.
 */
public record TrafficSelectorEntry(int tsType, int ipProtocol, int startPort, int endPort, byte[] startAddress,
                                   byte[] endAddress) {

    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;
    /** Selector length of each type, header included. */
    public static final int IPV4_LENGTH = 16;
    public static final int IPV6_LENGTH = 40;

    public TrafficSelectorEntry {
        int addressLength = addressLength(tsType);
        if (addressLength < 0) {
            throw new IllegalArgumentException("TS type " + tsType + " is neither IPv4 (7) nor IPv6 (8) range");
        }
        Octets.checkRange(ipProtocol, 0, 255, "IP protocol");
        Octets.checkRange(startPort, 0, 65535, "start port");
        Octets.checkRange(endPort, 0, 65535, "end port");
        startAddress = Octets.copy(startAddress, "startAddress");
        endAddress = Octets.copy(endAddress, "endAddress");
        if (startAddress.length != addressLength || endAddress.length != addressLength) {
            throw new IllegalArgumentException("TS type " + tsType + " needs " + addressLength + "-byte addresses, not "
                    + startAddress.length + " and " + endAddress.length);
        }
    }

    /** All of IPv4: any protocol, any port, 0.0.0.0 to 255.255.255.255. */
    public static TrafficSelectorEntry anyIpv4() {
        return new TrafficSelectorEntry(TS_IPV4_ADDR_RANGE, 0, 0, 65535, new byte[4], filled(4));
    }

    /** All of IPv6: any protocol, any port, :: to ffff:...:ffff. */
    public static TrafficSelectorEntry anyIpv6() {
        return new TrafficSelectorEntry(TS_IPV6_ADDR_RANGE, 0, 0, 65535, new byte[16], filled(16));
    }

    /** An address range of the family of its addresses (which must match), any protocol and port. */
    public static TrafficSelectorEntry range(InetAddress start, InetAddress end) {
        byte[] s = start.getAddress();
        return new TrafficSelectorEntry(s.length == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE, 0, 0, 65535, s,
                end.getAddress());
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xFF);
        return b;
    }

    private static int addressLength(int tsType) {
        return switch (tsType) {
            case TS_IPV4_ADDR_RANGE -> 4;
            case TS_IPV6_ADDR_RANGE -> 16;
            default -> -1;
        };
    }

    public boolean ipv6() {
        return tsType == TS_IPV6_ADDR_RANGE;
    }

    @Override
    public byte[] startAddress() {
        return startAddress.clone();
    }

    @Override
    public byte[] endAddress() {
        return endAddress.clone();
    }

    public InetAddress start() {
        return address(startAddress);
    }

    public InetAddress end() {
        return address(endAddress);
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths are checked in the constructor
        }
    }

    /** The encoded length: 16 for IPv4, 40 for IPv6. */
    public int length() {
        return 8 + 2 * startAddress.length;
    }

    public void encode(byte[] out, int off) {
        out[off] = (byte) tsType;
        out[off + 1] = (byte) ipProtocol;
        BigEndian.put16(out, off + 2, length());
        BigEndian.put16(out, off + 4, startPort);
        BigEndian.put16(out, off + 6, endPort);
        System.arraycopy(startAddress, 0, out, off + 8, startAddress.length);
        System.arraycopy(endAddress, 0, out, off + 8 + startAddress.length, endAddress.length);
    }

    /**
     * Parses the selector at {@code b[off]} with {@code len} bytes left in the payload: its type must be one of
     * the two ranges and its length field exactly theirs. Other types (e.g. RFC 4595's Fibre Channel ranges)
     * are rejected rather than skipped: a narrowed set would change what the peer asked for.
     */
    public static TrafficSelectorEntry parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(8, len, "ts", off);
        int type = b[off] & 0xFF;
        int addressLength = addressLength(type);
        Octets.require(addressLength > 0, "ts.type", off, "TS type " + type + " is neither IPv4 (7) nor IPv6 (8) range");
        int length = BigEndian.u16(b, off + 2);
        Octets.require(length == 8 + 2 * addressLength, "ts.length", off + 2,
                "length " + length + " for TS type " + type + ", which has " + (8 + 2 * addressLength));
        Octets.requireBytes(length, len, "ts", off);
        return new TrafficSelectorEntry(type, b[off + 1] & 0xFF, BigEndian.u16(b, off + 4), BigEndian.u16(b, off + 6),
                Octets.slice(b, off + 8, addressLength), Octets.slice(b, off + 8 + addressLength, addressLength));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficSelectorEntry that && tsType == that.tsType && ipProtocol == that.ipProtocol
                && startPort == that.startPort && endPort == that.endPort
                && Arrays.equals(startAddress, that.startAddress) && Arrays.equals(endAddress, that.endAddress);
    }

    @Override
    public int hashCode() {
        return (((tsType * 31 + ipProtocol) * 31 + startPort) * 31 + endPort) * 31
                + Arrays.hashCode(startAddress) * 17 + Arrays.hashCode(endAddress);
    }

    @Override
    public String toString() {
        return start().getHostAddress() + ".." + end().getHostAddress() + " proto " + ipProtocol + " ports "
                + startPort + ".." + endPort;
    }
}
