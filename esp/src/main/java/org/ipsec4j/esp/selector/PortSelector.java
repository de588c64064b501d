package org.ipsec4j.esp.selector;

/**
 * A port selector of RFC 4301 §4.4.1.1: ANY, OPAQUE, or an inclusive range of 16-bit values.
 *
 * <p>For ICMP and ICMPv6 the same 16-bit space holds the message type in the high byte and the code in the
 * low byte (RFC 4301 §4.4.1.1 and §4.4.1.3, as libreswan's "protoport 58/0x8800" for a Neighbor
 * Advertisement in seed 002), so ICMP selectors are ranges too: {@link #icmpType(int)} is
 * {@code type<<8 .. type<<8|0xFF}.
 *
 * <p>Matching (§4.4.1.1): ANY matches every value and OPAQUE (a port that is not available, as in a
 * non-initial fragment or a protocol without ports); OPAQUE matches only OPAQUE; a range matches only
 * present values inside it.
 */
public sealed interface PortSelector {

    /** The value of a packet whose port is not available. */
    int OPAQUE_VALUE = -1;

    PortSelector ANY = new Any();
    PortSelector OPAQUE = new Opaque();

    record Any() implements PortSelector {
        @Override
        public String toString() {
            return "any";
        }
    }

    record Opaque() implements PortSelector {
        @Override
        public String toString() {
            return "opaque";
        }
    }

    record Range(int low, int high) implements PortSelector {
        public Range {
            if (low < 0 || high > 0xFFFF || low > high) {
                throw new IllegalArgumentException("port range " + low + "-" + high + " outside 0..65535 or backwards");
            }
        }

        @Override
        public String toString() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }

    static PortSelector port(int port) {
        return new Range(port, port);
    }

    static PortSelector range(int low, int high) {
        return new Range(low, high);
    }

    /** One ICMP message type, any code: RFC 4301's {@code type<<8 .. type<<8|0xFF}. */
    static PortSelector icmpType(int type) {
        return icmpTypes(type, type);
    }

    /** ICMP types {@code low..high}, any code. */
    static PortSelector icmpTypes(int lowType, int highType) {
        checkByte(lowType, "type");
        checkByte(highType, "type");
        return new Range(lowType << 8, highType << 8 | 0xFF);
    }

    /** One ICMP type and code: {@code type<<8 | code}. */
    static PortSelector icmp(int type, int code) {
        checkByte(type, "type");
        checkByte(code, "code");
        return port(type << 8 | code);
    }

    /** RFC 4301 encoding of an ICMP type and code as one 16-bit value. */
    static int icmpValue(int type, int code) {
        return (type & 0xFF) << 8 | (code & 0xFF);
    }

    private static void checkByte(int v, String what) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("ICMP " + what + " " + v + " outside 0..255");
        }
    }

    /** Lowest value matched (1 with {@link #high()} 0, an empty range, for OPAQUE). */
    default int low() {
        return switch (this) {
            case Any a -> 0;
            case Opaque o -> 1;
            case Range r -> r.low();
        };
    }

    default int high() {
        return switch (this) {
            case Any a -> 0xFFFF;
            case Opaque o -> 0;
            case Range r -> r.high();
        };
    }

    default boolean matchesOpaque() {
        return !(this instanceof Range);
    }

    /** Whether a packet value (0..65535, or {@link #OPAQUE_VALUE}) is selected. */
    default boolean matches(int value) {
        return value < 0 ? matchesOpaque() : low() <= value && value <= high();
    }
}
