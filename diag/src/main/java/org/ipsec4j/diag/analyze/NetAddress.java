package org.ipsec4j.diag.analyze;

import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;

/**
 * An IPv4 or IPv6 address held in two longs, cheap to hash and compare: IPv4 in the low 32 bits of
 * {@code low}.
 */
public record NetAddress(boolean v6, long high, long low) {

    public static NetAddress v4(int address) {
        return new NetAddress(false, 0, Integer.toUnsignedLong(address));
    }

    /** The IPv4 address at {@code b[off]}. */
    public static NetAddress v4(byte[] b, int off) {
        return v4(((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF));
    }

    /** The IPv6 address at {@code b[off]}. */
    public static NetAddress v6(byte[] b, int off) {
        return new NetAddress(true, longAt(b, off), longAt(b, off + 8));
    }

    /** Parses dotted IPv4 or IPv6 text. */
    public static NetAddress parse(String text) {
        return text.indexOf(':') >= 0 ? v6(Ipv6Packet.parseAddress(text), 0) : v4(Ipv4Packet.parseAddress(text));
    }

    private static long longAt(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** The address in network byte order: 4 or 16 bytes. */
    public byte[] bytes() {
        if (!v6) {
            int a = (int) low;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** ff02::1:ffXX:XXXX and other multicast addresses (RFC 4291 §2.7), or 224.0.0.0/4. */
    public boolean isMulticast() {
        return v6 ? (high >>> 56) == 0xFF : (low >>> 28) == 0xE;
    }

    /** :: or 0.0.0.0. */
    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    @Override
    public String toString() {
        return v6 ? Ipv6Packet.formatAddress(bytes(), 0) : Ipv4Packet.formatAddress((int) low);
    }
}
