package org.ipsec4j.ike.message;

/** IKEv2 exchange types (RFC 7296 §3.1); other values are reserved or belong to extensions. */
public enum ExchangeType {
    IKE_SA_INIT(34),
    IKE_AUTH(35),
    CREATE_CHILD_SA(36),
    INFORMATIONAL(37);

    private final int value;

    ExchangeType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The exchange type with this value, or null if it is not one of these four. */
    public static ExchangeType of(int value) {
        for (ExchangeType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return null;
    }
}
