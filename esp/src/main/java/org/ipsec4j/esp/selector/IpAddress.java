package org.ipsec4j.esp.selector;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.Ipv4Packet;
import org.ipsec4j.wire.Ipv6Packet;

/**
 * An IPv4 or IPv6 address as a value: 128 bits in two longs, an IPv4 address in the low 32 bits of
 * {@code low} with {@code high} zero. Unsigned comparison of (high, low) orders addresses numerically, which
 * is what the SPD's range index relies on.
 */
public record IpAddress(IpFamily family, long high, long low) implements Comparable<IpAddress> {

    public IpAddress {
        Objects.requireNonNull(family, "family");
        if (family == IpFamily.IPV4 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits");
        }
    }

    public static IpAddress ipv4(int address) {
        return new IpAddress(IpFamily.IPV4, 0, Integer.toUnsignedLong(address));
    }

    /** The 16-byte IPv6 address at {@code b[off]}. */
    public static IpAddress ipv6(byte[] b, int off) {
        return new IpAddress(IpFamily.IPV6, BigEndian.i64(b, off), BigEndian.i64(b, off + 8));
    }

    /** The address of {@code family} at {@code b[off]} (4 or 16 bytes). */
    public static IpAddress read(IpFamily family, byte[] b, int off) {
        return family == IpFamily.IPV4 ? ipv4(BigEndian.i32(b, off)) : ipv6(b, off);
    }

    /** Dotted-quad IPv4 or RFC 4291 IPv6 text. */
    public static IpAddress parse(String text) {
        String t = text.strip();
        if (t.indexOf(':') >= 0) {
            return ipv6(Ipv6Packet.parseAddress(t), 0);
        }
        return ipv4(Ipv4Packet.parseAddress(t));
    }

    public static IpAddress of(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? ipv4(BigEndian.i32(b, 0)) : ipv6(b, 0);
    }

    /** The all-zero address of a family (0.0.0.0 or ::). */
    public static IpAddress zero(IpFamily family) {
        return new IpAddress(family, 0, 0);
    }

    /** The highest address of a family (255.255.255.255 or ffff:...:ffff). */
    public static IpAddress max(IpFamily family) {
        return family == IpFamily.IPV4 ? new IpAddress(family, 0, 0xFFFF_FFFFL) : new IpAddress(family, -1L, -1L);
    }

    /** The IPv4 address as an int, most significant octet first. */
    public int ipv4Value() {
        if (family != IpFamily.IPV4) {
            throw new IllegalStateException("not an IPv4 address: " + this);
        }
        return (int) low;
    }

    /** Writes the 4 or 16 address bytes at {@code out[off]}; returns the number written. */
    public int writeTo(byte[] out, int off) {
        if (family == IpFamily.IPV4) {
            BigEndian.put32(out, off, (int) low);
            return 4;
        }
        BigEndian.put64(out, off, high);
        BigEndian.put64(out, off + 8, low);
        return 16;
    }

    public byte[] toBytes() {
        byte[] b = new byte[family.addressLength()];
        writeTo(b, 0);
        return b;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for a wrong length
        }
    }

    /** Whether the 4 or 16 bytes at {@code b[off]} are this address; allocates nothing. */
    public boolean equalsBytes(byte[] b, int off) {
        if (family == IpFamily.IPV4) {
            return BigEndian.i32(b, off) == (int) low;
        }
        return BigEndian.i64(b, off) == high && BigEndian.i64(b, off + 8) == low;
    }

    public boolean isZero() {
        return high == 0 && low == 0;
    }

    /** The next address up, or null past the highest one. */
    public IpAddress next() {
        if (equals(max(family))) {
            return null;
        }
        long lo = low + 1;
        long hi = lo == 0 && family == IpFamily.IPV6 ? high + 1 : high;
        return new IpAddress(family, hi, lo);
    }

    @Override
    public int compareTo(IpAddress o) {
        if (family != o.family) {
            return family.compareTo(o.family);
        }
        return compareUnsigned(high, low, o.high, o.low);
    }

    /** Unsigned comparison of two 128-bit values given as (high, low) halves. */
    public static int compareUnsigned(long aHigh, long aLow, long bHigh, long bLow) {
        int c = Long.compareUnsigned(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    @Override
    public String toString() {
        return family == IpFamily.IPV4 ? Ipv4Packet.formatAddress((int) low) : Ipv6Packet.formatAddress(toBytes(), 0);
    }

    /** The IPv4 address in the 4 bytes at {@code b[off]}, as {@link #ipv4Value()} gives it; allocates nothing. */
    public static int readIpv4(byte[] b, int off) {
        return BigEndian.i32(b, off);
    }
}
