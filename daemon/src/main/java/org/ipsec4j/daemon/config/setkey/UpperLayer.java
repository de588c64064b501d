package org.ipsec4j.daemon.config.setkey;

/**
 * The upper-layer part of an SPD selector: {@code any}, a protocol by name or number, or ICMP/ICMPv6 with a
 * type and code ({@code icmp6 136,0}).
 */
public sealed interface UpperLayer {

    /** {@code any}: every next-layer protocol. */
    UpperLayer ANY = new AnyProtocol();

    int ICMP = 1;
    int ICMPV6 = 58;

    record AnyProtocol() implements UpperLayer {
        @Override
        public String toString() {
            return "any";
        }
    }

    /** One IP protocol number (0..254; 255 is setkey's internal "any"). */
    record Protocol(int number) implements UpperLayer {
        public Protocol {
            if (number < 0 || number > 254) {
                throw new IllegalArgumentException("protocol number outside 0..254: " + number);
            }
        }

        @Override
        public String toString() {
            return IpProtocolNames.nameOf(number).orElse(Integer.toString(number));
        }
    }

    /**
     * ICMP ({@value UpperLayer#ICMP}) or ICMPv6 ({@value UpperLayer#ICMPV6}) with one type and code. The kernel
     * puts them where the ports go, which is also RFC 4301's encoding (section 4.4.1.1): see
     * {@link #protoPort()}.
     */
    record Icmp(int protocol, int type, int code) implements UpperLayer {
        public Icmp {
            if (protocol != ICMP && protocol != ICMPV6) {
                throw new IllegalArgumentException("not ICMP or ICMPv6: " + protocol);
            }
            if (type < 0 || type > 255 || code < 0 || code > 255) {
                throw new IllegalArgumentException("ICMP type/code outside 0..255: " + type + "," + code);
            }
        }

        /** Type in the high byte, code in the low byte, e.g. 0x8800 for a neighbour advertisement (seed 002). */
        public int protoPort() {
            return type << 8 | code;
        }

        @Override
        public String toString() {
            return (protocol == ICMP ? "icmp " : "icmp6 ") + type + "," + code;
        }
    }
}
