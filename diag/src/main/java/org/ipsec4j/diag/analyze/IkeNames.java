package org.ipsec4j.diag.analyze;

import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.PayloadType;

/** Names of exchange types, payload types and notify types, IKEv2 (IANA registries) and IKEv1 (RFC 2408, 2409). */
public final class IkeNames {

    private IkeNames() {}

    public static String exchange(int majorVersion, int exchange) {
        if (majorVersion == 2) {
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
        if (majorVersion == 1) {
            return switch (exchange) {
                case 1 -> "Base";
                case 2 -> "Main Mode";
                case 3 -> "Authentication Only";
                case 4 -> "Aggressive Mode";
                case 5 -> "Informational";
                case 6 -> "Transaction";
                case 32 -> "Quick Mode";
                case 33 -> "New Group Mode";
                default -> "exchange " + exchange;
            };
        }
        return "exchange " + exchange;
    }

    /** strongSwan's short names for IKEv2 payloads (SA KE No N ...), RFC 2408 names for IKEv1. */
    public static String payload(int majorVersion, int type) {
        if (majorVersion == 1) {
            return switch (type) {
                case 1 -> "SA";
                case 2 -> "P";
                case 3 -> "T";
                case 4 -> "KE";
                case 5 -> "ID";
                case 6 -> "CERT";
                case 7 -> "CR";
                case 8 -> "HASH";
                case 9 -> "SIG";
                case 10 -> "NONCE";
                case 11 -> "N";
                case 12 -> "D";
                case 13 -> "VID";
                case 14 -> "ATTR";
                case 15 -> "SAK";
                case 16 -> "SAT";
                case 17 -> "KD";
                case 18 -> "SEQ";
                case 19 -> "POP";
                case 20, 130 -> "NAT-D";
                case 21, 131 -> "NAT-OA";
                default -> "payload " + type;
            };
        }
        PayloadType known = PayloadType.of(type);
        if (known == null) {
            return "payload " + type;
        }
        return switch (known) {
            case NONE -> "none";
            case SA -> "SA";
            case KE -> "KE";
            case IDI -> "IDi";
            case IDR -> "IDr";
            case CERT -> "CERT";
            case CERTREQ -> "CERTREQ";
            case AUTH -> "AUTH";
            case NONCE -> "No";
            case NOTIFY -> "N";
            case DELETE -> "D";
            case VENDOR_ID -> "V";
            case TSI -> "TSi";
            case TSR -> "TSr";
            case SK -> "SK";
            case CP -> "CP";
            case EAP -> "EAP";
            case SKF -> "SKF";
        };
    }

    /** Notify message types: IKEv2's from {@link NotifyType}, IKEv1's from RFC 2408 §3.14.1 and RFC 3706. */
    public static String notify(int majorVersion, int type) {
        if (majorVersion == 2) {
            return NotifyType.name(type);
        }
        return switch (type) {
            case 1 -> "INVALID-PAYLOAD-TYPE";
            case 4 -> "INVALID-COOKIE";
            case 5 -> "INVALID-MAJOR-VERSION";
            case 7 -> "INVALID-EXCHANGE-TYPE";
            case 9 -> "INVALID-MESSAGE-ID";
            case 11 -> "INVALID-SPI";
            case 14 -> "NO-PROPOSAL-CHOSEN";
            case 16 -> "PAYLOAD-MALFORMED";
            case 18 -> "INVALID-ID-INFORMATION";
            case 23 -> "INVALID-HASH-INFORMATION";
            case 24 -> "AUTHENTICATION-FAILED";
            case 24576 -> "RESPONDER-LIFETIME";
            case 24577 -> "REPLAY-STATUS";
            case 24578 -> "INITIAL-CONTACT";
            case 36136 -> "R-U-THERE";
            case 36137 -> "R-U-THERE-ACK";
            default -> (type < 16384 ? "error " : "status ") + type;
        };
    }
}
