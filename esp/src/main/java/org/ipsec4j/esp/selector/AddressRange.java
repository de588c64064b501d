package org.ipsec4j.esp.selector;

import java.util.Objects;

/**
 * An inclusive range of addresses of one family, the address selector of RFC 4301 §4.4.1.1 ("a range of
 * addresses (upper and lower bounds)", of which a prefix and a single address are special cases).
 */
public record AddressRange(IpAddress first, IpAddress last) {

    public AddressRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (first.family() != last.family()) {
            throw new IllegalArgumentException("range mixes families: " + first + " - " + last);
        }
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range runs backwards: " + first + " - " + last);
        }
    }

    /** Every address of the family (0.0.0.0/0 or ::/0): the selector value ANY. */
    public static AddressRange any(IpFamily family) {
        return new AddressRange(IpAddress.zero(family), IpAddress.max(family));
    }

    public static AddressRange single(IpAddress address) {
        return new AddressRange(address, address);
    }

    /** The addresses sharing the first {@code length} bits of {@code address}; host bits are ignored. */
    public static AddressRange prefix(IpAddress address, int length) {
        int bits = address.family().addressLength() * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0.." + bits);
        }
        if (address.family() == IpFamily.IPV4) {
            long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            long lo = address.low() & mask;
            return new AddressRange(new IpAddress(IpFamily.IPV4, 0, lo),
                    new IpAddress(IpFamily.IPV4, 0, lo | (~mask & 0xFFFF_FFFFL)));
        }
        long highMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        long lowMask = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        long hi = address.high() & highMask;
        long lo = address.low() & lowMask;
        return new AddressRange(new IpAddress(IpFamily.IPV6, hi, lo),
                new IpAddress(IpFamily.IPV6, hi | ~highMask, lo | ~lowMask));
    }

    /**
     * Parses {@code ADDR}, {@code ADDR/LEN} or {@code FIRST-LAST} (IPv4 or IPv6), as in setkey and swanctl
     * traffic selectors.
     */
    public static AddressRange parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            IpAddress a = IpAddress.parse(t.substring(0, slash));
            int len;
            try {
                len = Integer.parseInt(t.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            return prefix(a, len);
        }
        int dash = t.indexOf('-');
        if (dash >= 0) {
            return new AddressRange(IpAddress.parse(t.substring(0, dash)), IpAddress.parse(t.substring(dash + 1)));
        }
        return single(IpAddress.parse(t));
    }

    public IpFamily family() {
        return first.family();
    }

    public boolean isAny() {
        return first.isZero() && last.equals(IpAddress.max(family()));
    }

    public boolean contains(IpAddress a) {
        return a.family() == family() && first.compareTo(a) <= 0 && a.compareTo(last) <= 0;
    }

    /** Unsigned comparison-based containment of a 128-bit value; the caller checked the family. */
    public boolean contains(long high, long low) {
        return IpAddress.compareUnsigned(first.high(), first.low(), high, low) <= 0
                && IpAddress.compareUnsigned(high, low, last.high(), last.low()) <= 0;
    }

    /** The prefix length if this range is exactly one prefix, else -1. */
    public int prefixLength() {
        int bits = family().addressLength() * 8;
        for (int len = 0; len <= bits; len++) {
            AddressRange p = prefix(first, len);
            if (p.equals(this)) {
                return len;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        int len = prefixLength();
        if (len == family().addressLength() * 8) {
            return first.toString();
        }
        return len >= 0 ? first + "/" + len : first + "-" + last;
    }
}
