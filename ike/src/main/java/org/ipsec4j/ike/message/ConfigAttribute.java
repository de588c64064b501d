package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * One configuration attribute (RFC 7296 §3.15.1): a 15-bit type (the reserved top bit is sent as zero and
 * ignored), a length and the value. The types of §3.15.1 must have one of the lengths its table allows; an
 * empty value asks for one in a CFG_REQUEST.
 */
public record ConfigAttribute(int type, byte[] value) {

    public static final int INTERNAL_IP4_ADDRESS = 1;
    public static final int INTERNAL_IP4_NETMASK = 2;
    public static final int INTERNAL_IP4_DNS = 3;
    public static final int INTERNAL_IP4_NBNS = 4;
    public static final int INTERNAL_IP4_DHCP = 6;
    public static final int APPLICATION_VERSION = 7;
    /** An IPv6 address and a prefix length byte (17 bytes). */
    public static final int INTERNAL_IP6_ADDRESS = 8;
    public static final int INTERNAL_IP6_DNS = 10;
    public static final int INTERNAL_IP6_DHCP = 12;
    /** An IPv4 address and netmask (8 bytes). */
    public static final int INTERNAL_IP4_SUBNET = 13;
    /** The 2-byte types the sender supports. */
    public static final int SUPPORTED_ATTRIBUTES = 14;
    /** An IPv6 address and a prefix length byte (17 bytes). */
    public static final int INTERNAL_IP6_SUBNET = 15;

    public ConfigAttribute {
        Octets.checkRange(type, 0, 0x7FFF, "attribute type");
        value = Octets.copy(value, "value");
        Octets.checkRange(value.length, 0, 65535, "attribute length");
        if (!lengthAllowed(type, value.length)) {
            throw new IllegalArgumentException(name(type) + " cannot be " + value.length + " bytes long");
        }
    }

    /** An empty attribute, which asks for a value in a CFG_REQUEST. */
    public static ConfigAttribute request(int type) {
        return new ConfigAttribute(type, new byte[0]);
    }

    /** Whether §3.15.1 allows this length for the type (any length for types it does not list). */
    static boolean lengthAllowed(int type, int length) {
        return switch (type) {
            case INTERNAL_IP4_ADDRESS, INTERNAL_IP4_NETMASK, INTERNAL_IP4_DNS, INTERNAL_IP4_NBNS, INTERNAL_IP4_DHCP ->
                    length == 0 || length == 4;
            // §3.15.1 lists INTERNAL_IP6_SUBNET as 17 bytes only; an empty one is accepted as a request too.
            case INTERNAL_IP6_ADDRESS, INTERNAL_IP6_SUBNET -> length == 0 || length == 17;
            case INTERNAL_IP6_DNS, INTERNAL_IP6_DHCP -> length == 0 || length == 16;
            case INTERNAL_IP4_SUBNET -> length == 0 || length == 8;
            case SUPPORTED_ATTRIBUTES -> length % 2 == 0;
            default -> true;
        };
    }

    public static String name(int type) {
        return switch (type) {
            case INTERNAL_IP4_ADDRESS -> "INTERNAL_IP4_ADDRESS";
            case INTERNAL_IP4_NETMASK -> "INTERNAL_IP4_NETMASK";
            case INTERNAL_IP4_DNS -> "INTERNAL_IP4_DNS";
            case INTERNAL_IP4_NBNS -> "INTERNAL_IP4_NBNS";
            case INTERNAL_IP4_DHCP -> "INTERNAL_IP4_DHCP";
            case APPLICATION_VERSION -> "APPLICATION_VERSION";
            case INTERNAL_IP6_ADDRESS -> "INTERNAL_IP6_ADDRESS";
            case INTERNAL_IP6_DNS -> "INTERNAL_IP6_DNS";
            case INTERNAL_IP6_DHCP -> "INTERNAL_IP6_DHCP";
            case INTERNAL_IP4_SUBNET -> "INTERNAL_IP4_SUBNET";
            case SUPPORTED_ATTRIBUTES -> "SUPPORTED_ATTRIBUTES";
            case INTERNAL_IP6_SUBNET -> "INTERNAL_IP6_SUBNET";
            default -> "attribute " + type;
        };
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return 4 + value.length;
    }

    public void encode(byte[] out, int off) {
        BigEndian.put16(out, off, type);
        BigEndian.put16(out, off + 2, value.length);
        System.arraycopy(value, 0, out, off + 4, value.length);
    }

    /** Parses the attribute at {@code b[off]} with {@code len} bytes left in the payload. */
    public static ConfigAttribute parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(4, len, "cp.attribute", off);
        int type = BigEndian.u16(b, off) & 0x7FFF;
        int length = BigEndian.u16(b, off + 2);
        Octets.require(length <= len - 4, "cp.attribute.length", off + 2,
                "length " + length + " but " + (len - 4) + " bytes left");
        Octets.require(lengthAllowed(type, length), "cp.attribute.length", off + 2,
                name(type) + " cannot be " + length + " bytes long (RFC 7296 §3.15.1)");
        return new ConfigAttribute(type, Octets.slice(b, off + 4, length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigAttribute that && type == that.type && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name(type) + "=" + Octets.hex(value);
    }
}
