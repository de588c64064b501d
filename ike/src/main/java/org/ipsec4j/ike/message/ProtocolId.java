package org.ipsec4j.ike.message;

/** Security protocol identifiers of proposals, Notify and Delete payloads (RFC 7296 §3.3.1). */
public final class ProtocolId {

    /** Not an SA: the value of a Notify payload without an SPI. */
    public static final int NONE = 0;
    public static final int IKE = 1;
    public static final int AH = 2;
    public static final int ESP = 3;

    private ProtocolId() {}

    /** "IKE", "AH", "ESP" or the number. */
    public static String name(int protocolId) {
        return switch (protocolId) {
            case NONE -> "NONE";
            case IKE -> "IKE";
            case AH -> "AH";
            case ESP -> "ESP";
            default -> Integer.toString(protocolId);
        };
    }
}
