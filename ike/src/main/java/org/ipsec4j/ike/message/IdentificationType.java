package org.ipsec4j.ike.message;

/** ID types of the Identification payloads (RFC 7296 §3.5). */
public final class IdentificationType {

    /** A 4-byte IPv4 address. */
    public static final int IPV4_ADDR = 1;
    /** A fully qualified domain name, no terminator. */
    public static final int FQDN = 2;
    /** An email address (RFC 822), no terminator. */
    public static final int RFC822_ADDR = 3;
    /** A 16-byte IPv6 address. */
    public static final int IPV6_ADDR = 5;
    /** The DER encoding of an X.500 distinguished name. */
    public static final int DER_ASN1_DN = 9;
    /** The DER encoding of an X.500 general name. */
    public static final int DER_ASN1_GN = 10;
    /** Opaque octets, e.g. vendor specific. */
    public static final int KEY_ID = 11;

    private IdentificationType() {}

    public static String name(int type) {
        return switch (type) {
            case IPV4_ADDR -> "ID_IPV4_ADDR";
            case FQDN -> "ID_FQDN";
            case RFC822_ADDR -> "ID_RFC822_ADDR";
            case IPV6_ADDR -> "ID_IPV6_ADDR";
            case DER_ASN1_DN -> "ID_DER_ASN1_DN";
            case DER_ASN1_GN -> "ID_DER_ASN1_GN";
            case KEY_ID -> "ID_KEY_ID";
            default -> "ID type " + type;
        };
    }

    /** The data length an ID type requires, or -1 where any length goes. */
    static int requiredLength(int type) {
        return switch (type) {
            case IPV4_ADDR -> 4;
            case IPV6_ADDR -> 16;
            default -> -1;
        };
    }
}
