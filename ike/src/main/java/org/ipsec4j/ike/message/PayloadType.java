package org.ipsec4j.ike.message;

/**
 * IKEv2 payload types (RFC 7296 §3.2, RFC 7383 §2.5 for SKF). The value is what the "Next Payload" fields
 * carry; NONE (0) ends a chain. Other values decode as {@link UnknownPayload}.
 */
public enum PayloadType {
    NONE(0),
    SA(33),
    KE(34),
    IDI(35),
    IDR(36),
    CERT(37),
    CERTREQ(38),
    AUTH(39),
    NONCE(40),
    NOTIFY(41),
    DELETE(42),
    VENDOR_ID(43),
    TSI(44),
    TSR(45),
    SK(46),
    CP(47),
    EAP(48),
    SKF(53);

    private static final PayloadType[] BY_VALUE = new PayloadType[256];

    static {
        for (PayloadType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;

    PayloadType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The payload type with this value, or null if it is not one of these. */
    public static PayloadType of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }
}
