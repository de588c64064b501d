package org.ipsec4j.cli;

import org.ipsec4j.wire.MalformedPacketException;

import static org.ipsec4j.wire.BigEndian.i32;

/**
 * Text for the IPsec headers a capture shows in the clear: ESP (RFC 4303 §2), AH (RFC 4302 §2), the IKE
 * header (RFC 7296 §3.1) and what UDP port 4500 carries (RFC 3948 §2). {@code wire} knows nothing of IPsec
 * and the IKE codec does not exist yet, so the few fixed fields read here are read here.
 *
 * <p>Every method works on a slice that may be cut short (an ICMP quote, a first fragment, a snapshot
 * length) and shows the fields that are present.
 */
final class IpsecSummary {

    static final int IKE_PORT = 500;
    static final int NAT_T_PORT = 4500;

    static final int ESP_HEADER_LENGTH = 8;
    static final int AH_MIN_LENGTH = 12;
    static final int IKE_HEADER_LENGTH = 28;
    static final int NON_ESP_MARKER_LENGTH = 4;

    private IpsecSummary() {}

    /** Whether a UDP datagram between these ports is one {@link #appendUdpPayload} decodes. */
    static boolean isIpsecPort(int sourcePort, int destinationPort) {
        return sourcePort == NAT_T_PORT || destinationPort == NAT_T_PORT
                || sourcePort == IKE_PORT || destinationPort == IKE_PORT;
    }

    /**
     * Labels and decodes the payload of a UDP datagram to or from port 500 or 4500.
     *
     * @param present       payload bytes in the buffer
     * @param payloadLength payload length as the UDP header states it
     */
    static void appendUdpPayload(StringBuilder sb, int sourcePort, int destinationPort, byte[] buf, int off,
                                 int present, int payloadLength) {
        if (sourcePort == NAT_T_PORT || destinationPort == NAT_T_PORT) {
            appendNatTraversal(sb, buf, off, present, payloadLength);
        } else {
            sb.append(" isakmp");
            if (present > 0) {
                sb.append(": ");
                appendIke(sb, buf, off, present);
            }
        }
    }

    /** RFC 3948 §2: a NAT-keepalive, IKE behind the non-ESP marker, or ESP. */
    private static void appendNatTraversal(StringBuilder sb, byte[] buf, int off, int present, int payloadLength) {
        sb.append(" ipsec-nat-t");
        if (present == 0) {
            return; // an ICMP quote or a snapshot that ends with the UDP header
        }
        sb.append(": ");
        if (payloadLength == 1 && (buf[off] & 0xFF) == 0xFF) {
            sb.append("NAT-keepalive");
        } else if (payloadLength < NON_ESP_MARKER_LENGTH) {
            sb.append(payloadLength).append(payloadLength == 1 ? " byte" : " bytes")
                    .append(", neither NAT-keepalive, IKE nor ESP");
        } else if (present < NON_ESP_MARKER_LENGTH) {
            sb.append("payload cut after ").append(present).append(present == 1 ? " byte" : " bytes");
        } else if (i32(buf, off) == 0) {
            sb.append("non-ESP marker, ");
            appendIke(sb, buf, off + NON_ESP_MARKER_LENGTH, present - NON_ESP_MARKER_LENGTH);
        } else {
            appendEsp(sb, buf, off, present, -1);
        }
    }

    /**
     * {@code ESP spi 0x0badcafe seq 7 len 116}; the length only when known ({@code length >= 0}).
     */
    static void appendEsp(StringBuilder sb, byte[] buf, int off, int present, int length) {
        sb.append("ESP");
        if (present >= 4) {
            sb.append(" spi ").append(hex32(i32(buf, off)));
        }
        if (present >= ESP_HEADER_LENGTH) {
            sb.append(" seq ").append(Integer.toUnsignedString(i32(buf, off + 4)));
        } else {
            sb.append(" (header cut after ").append(present).append(present == 1 ? " byte)" : " bytes)");
        }
        if (length >= 0) {
            sb.append(" len ").append(length);
        }
    }

    /**
     * {@code AH spi 0x0badcafe seq 7} for the AH header at {@code off}.
     *
     * @return the AH header length in bytes, or -1 if the header is cut short
     * @throws MalformedPacketException if the Payload Len field gives less than the 12 bytes AH needs
     */
    static int appendAh(StringBuilder sb, byte[] buf, int off, int present) {
        sb.append("AH");
        if (present < AH_MIN_LENGTH) {
            sb.append(" (header cut after ").append(present).append(present == 1 ? " byte)" : " bytes)");
            return -1;
        }
        int length = ((buf[off + 1] & 0xFF) + 2) * 4; // RFC 4302 §2.2: in 32-bit words, minus 2
        if (length < AH_MIN_LENGTH) {
            throw new MalformedPacketException("ah.payloadLength", off + 1,
                    "header length " + length + " < " + AH_MIN_LENGTH);
        }
        sb.append(" spi ").append(hex32(i32(buf, off + 4)))
                .append(" seq ").append(Integer.toUnsignedString(i32(buf, off + 8)));
        return length <= present ? length : -1;
    }

    /**
     * The IKE header (RFC 7296 §3.1; RFC 2408 §3.1 for IKEv1):
     * {@code IKEv2 IKE_AUTH initiator request msgid 1 ispi 55fa7f39522011ef rspi f8259707aad5f995 len 1596}.
     * A header cut short shows the SPIs present.
     */
    static void appendIke(StringBuilder sb, byte[] buf, int off, int present) {
        if (present < IKE_HEADER_LENGTH) {
            sb.append("IKE");
            appendSpis(sb, buf, off, present);
            sb.append(" (header cut after ").append(present).append(present == 1 ? " byte)" : " bytes)");
            return;
        }
        int version = buf[off + 17] & 0xFF;
        int major = version >>> 4;
        int exchange = buf[off + 18] & 0xFF;
        int flags = buf[off + 19] & 0xFF;
        switch (major) {
            case 2 -> {
                sb.append("IKEv2 ").append(ikev2ExchangeName(exchange))
                        .append((flags & 0x08) != 0 ? " initiator" : " responder")
                        .append((flags & 0x20) != 0 ? " response" : " request");
            }
            case 1 -> sb.append("IKEv1 ").append(ikev1ExchangeName(exchange));
            default -> sb.append("IKE version ").append(major).append('.').append(version & 0x0F)
                    .append(" exchange ").append(exchange);
        }
        sb.append(" msgid ").append(Integer.toUnsignedString(i32(buf, off + 20)));
        appendSpis(sb, buf, off, present);
        sb.append(" len ").append(Integer.toUnsignedString(i32(buf, off + 24)));
    }

    private static void appendSpis(StringBuilder sb, byte[] buf, int off, int present) {
        if (present >= 8) {
            sb.append(" ispi ").append(hex64(buf, off));
        }
        if (present >= 16) {
            sb.append(" rspi ").append(hex64(buf, off + 8));
        }
    }

    /** IANA "IKEv2 Exchange Types". */
    static String ikev2ExchangeName(int exchange) {
        return switch (exchange) {
            case 34 -> "IKE_SA_INIT";
            case 35 -> "IKE_AUTH";
            case 36 -> "CREATE_CHILD_SA";
            case 37 -> "INFORMATIONAL";
            case 38 -> "IKE_SESSION_RESUME";
            case 43 -> "IKE_INTERMEDIATE";
            case 44 -> "IKE_FOLLOWUP_KE";
            default -> "exchange " + exchange;
        };
    }

    /** RFC 2408 §3.1 and RFC 2409 §5 exchange types. */
    private static String ikev1ExchangeName(int exchange) {
        return switch (exchange) {
            case 2 -> "Main Mode";
            case 4 -> "Aggressive Mode";
            case 5 -> "Informational";
            case 32 -> "Quick Mode";
            default -> "exchange " + exchange;
        };
    }

    /** {@code 0x0badcafe}: eight hex digits, as SPIs are usually written. */
    static String hex32(int value) {
        String digits = Integer.toHexString(value);
        return "0x" + "0".repeat(8 - digits.length()) + digits;
    }

    /** Sixteen hex digits without prefix, as IKE SPIs are usually written. */
    private static String hex64(byte[] b, int off) {
        StringBuilder sb = new StringBuilder(16);
        for (int i = 0; i < 8; i++) {
            int v = b[off + i] & 0xFF;
            sb.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 0x0F, 16));
        }
        return sb.toString();
    }
}
