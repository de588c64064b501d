package org.ipsec4j.diag.analyze;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.message.AuthMethod;
import org.ipsec4j.ike.message.AuthenticationPayload;
import org.ipsec4j.ike.message.CertificatePayload;
import org.ipsec4j.ike.message.ConfigAttribute;
import org.ipsec4j.ike.message.ConfigurationPayload;
import org.ipsec4j.ike.message.DeletePayload;
import org.ipsec4j.ike.message.EapPayload;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IdentificationType;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.SecurityAssociationPayload;
import org.ipsec4j.ike.message.TrafficSelectorEntry;
import org.ipsec4j.ike.message.TrafficSelectorPayload;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.message.TransformType;
import org.ipsec4j.wire.BigEndian;

/**
 * Decrypted IKEv2 payloads in words, for the report: SA proposals in strongSwan's notation
 * ({@code ESP:AES_GCM_16_128/NO_EXT_SEQ}), traffic selectors as prefixes or ranges, identities by type, the
 * AUTH method, CP attributes, notifies by name, Deletes with their SPIs. Transform names follow the IANA
 * registries of RFC 7296 §3.3.2 and strongSwan's spelling.
 */
final class InnerPayloads {

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private InnerPayloads() {}

    static KeySource.InnerPayload describe(Payload p) {
        return switch (p) {
            case SecurityAssociationPayload sa -> new KeySource.InnerPayload("SA", proposals(sa.proposals()));
            case TrafficSelectorPayload ts -> new KeySource.InnerPayload(ts.initiator() ? "TSi" : "TSr",
                    selectors(ts.selectors()));
            case IdentificationPayload id -> new KeySource.InnerPayload(id.initiator() ? "IDi" : "IDr", identity(id));
            case AuthenticationPayload auth -> new KeySource.InnerPayload("AUTH", authMethod(auth.method()));
            case NotifyPayload n -> new KeySource.InnerPayload("N", notify(n));
            case DeletePayload d -> new KeySource.InnerPayload("D", delete(d));
            case ConfigurationPayload cp -> new KeySource.InnerPayload("CP", configuration(cp));
            case KeyExchangePayload ke -> new KeySource.InnerPayload("KE", "DH group " + dhGroup(ke.dhGroup()));
            case CertificatePayload cert -> new KeySource.InnerPayload("CERT", "encoding " + cert.encoding() + ", "
                    + cert.bodyLength() + " bytes");
            case EapPayload eap -> new KeySource.InnerPayload("EAP", eap.bodyLength() + " bytes");
            default -> new KeySource.InnerPayload(IkeNames.payload(2, p.typeValue()), p.bodyLength() + " bytes");
        };
    }

    static List<KeySource.InnerPayload> describe(List<Payload> payloads) {
        List<KeySource.InnerPayload> out = new ArrayList<>(payloads.size());
        payloads.forEach(p -> out.add(describe(p)));
        return out;
    }

    /** {@code ESP:AES_GCM_16_128/NO_EXT_SEQ, ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ}, as charon logs them. */
    static String proposals(List<Proposal> proposals) {
        List<String> out = new ArrayList<>(proposals.size());
        for (Proposal p : proposals) {
            List<String> names = new ArrayList<>();
            for (Transform t : p.transforms()) {
                names.add(transform(t));
            }
            out.add(ProtocolId.name(p.protocolId()) + ":" + String.join("/", names));
        }
        return String.join(", ", out);
    }

    static String transform(Transform t) {
        int id = t.id();
        return switch (t.type()) {
            case TransformType.ENCR -> encryption(id) + (t.keyLength() != null ? "_" + t.keyLength() : "");
            case TransformType.PRF -> switch (id) {
                case 1 -> "PRF_HMAC_MD5";
                case 2 -> "PRF_HMAC_SHA1";
                case 4 -> "PRF_AES128_XCBC";
                case 5 -> "PRF_HMAC_SHA2_256";
                case 6 -> "PRF_HMAC_SHA2_384";
                case 7 -> "PRF_HMAC_SHA2_512";
                case 8 -> "PRF_AES128_CMAC";
                default -> "PRF_" + id;
            };
            case TransformType.INTEG -> switch (id) {
                case 1 -> "HMAC_MD5_96";
                case 2 -> "HMAC_SHA1_96";
                case 5 -> "AES_XCBC_96";
                case 8 -> "AES_CMAC_96";
                case 12 -> "HMAC_SHA2_256_128";
                case 13 -> "HMAC_SHA2_384_192";
                case 14 -> "HMAC_SHA2_512_256";
                default -> "INTEG_" + id;
            };
            case TransformType.DH -> dhGroup(id);
            case TransformType.ESN -> id == TransformType.ESN_ENABLED ? "EXT_SEQ" : "NO_EXT_SEQ";
            default -> TransformType.name(t.type()) + "_" + id;
        };
    }

    private static String encryption(int id) {
        return switch (id) {
            case 3 -> "3DES_CBC";
            case 11 -> "NULL";
            case 12 -> "AES_CBC";
            case 13 -> "AES_CTR";
            case 14 -> "AES_CCM_8";
            case 15 -> "AES_CCM_12";
            case 16 -> "AES_CCM_16";
            case 18 -> "AES_GCM_8";
            case 19 -> "AES_GCM_12";
            case 20 -> "AES_GCM_16";
            case 23 -> "CAMELLIA_CBC";
            case 28 -> "CHACHA20_POLY1305";
            default -> "ENCR_" + id;
        };
    }

    static String dhGroup(int id) {
        return switch (id) {
            case 0 -> "NONE";
            case 1 -> "MODP_768";
            case 2 -> "MODP_1024";
            case 5 -> "MODP_1536";
            case 14 -> "MODP_2048";
            case 15 -> "MODP_3072";
            case 16 -> "MODP_4096";
            case 17 -> "MODP_6144";
            case 18 -> "MODP_8192";
            case 19 -> "ECP_256";
            case 20 -> "ECP_384";
            case 21 -> "ECP_521";
            case 31 -> "CURVE_25519";
            case 32 -> "CURVE_448";
            default -> "DH_" + id;
        };
    }

    /** {@code 10.1.0.0/24}, a range where it is not a prefix, with protocol and ports when they are set. */
    static String selectors(List<TrafficSelectorEntry> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (TrafficSelectorEntry e : entries) {
            StringBuilder sb = new StringBuilder(range(e.startAddress(), e.endAddress()));
            if (e.ipProtocol() != 0) {
                sb.append(" proto ").append(org.ipsec4j.wire.IpProtocol.name(e.ipProtocol()));
            }
            if (e.startPort() != 0 || e.endPort() != 65535) {
                sb.append(" port ").append(e.startPort() == e.endPort() ? Integer.toString(e.startPort())
                        : e.startPort() + "-" + e.endPort());
            }
            out.add(sb.toString());
        }
        return String.join(", ", out);
    }

    private static String range(byte[] start, byte[] end) {
        int bits = start.length * 8;
        int prefix = 0;
        while (prefix < bits && bit(start, prefix) == bit(end, prefix)) {
            prefix++;
        }
        boolean isPrefix = true;
        for (int i = prefix; i < bits && isPrefix; i++) {
            isPrefix = !bit(start, i) && bit(end, i);
        }
        return isPrefix ? address(start) + "/" + prefix : address(start) + ".." + address(end);
    }

    private static boolean bit(byte[] b, int i) {
        return (b[i >> 3] & (0x80 >>> (i & 7))) != 0;
    }

    private static String address(byte[] b) {
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return HEX.formatHex(b);
        }
    }

    /** {@code FQDN java.lab}, {@code IPV4_ADDR 192.0.2.1}, {@code DER_ASN1_DN (42 bytes)}. */
    static String identity(IdentificationPayload id) {
        byte[] data = id.data();
        String type = IdentificationType.name(id.idType()).replaceFirst("^ID_", "");
        return switch (id.idType()) {
            case 1, 5 -> type + " " + (data.length == 4 || data.length == 16 ? address(data) : HEX.formatHex(data));
            case 2, 3 -> type + " " + printable(data);
            default -> type + " (" + data.length + " bytes)";
        };
    }

    private static String printable(byte[] data) {
        String s = new String(data, StandardCharsets.US_ASCII);
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? s : HEX.formatHex(data);
    }

    static String authMethod(int method) {
        return switch (method) {
            case AuthMethod.SHARED_KEY -> "shared key (PSK)";
            case AuthMethod.RSA_SIGNATURE -> "RSA signature";
            case AuthMethod.DIGITAL_SIGNATURE -> "digital signature (RFC 7427)";
            case AuthMethod.ECDSA_256, AuthMethod.ECDSA_384, AuthMethod.ECDSA_521 -> AuthMethod.name(method) + " signature";
            default -> AuthMethod.name(method);
        };
    }

    /** The notify's name, with its Child SA SPI and what its data says where that is short. */
    private static String notify(NotifyPayload n) {
        StringBuilder sb = new StringBuilder(NotifyType.name(n.notifyType()));
        if (n.spi().length == 4) {
            sb.append(' ').append(ProtocolId.name(n.protocolId())).append(" SPI ").append(HEX.formatHex(n.spi()));
        }
        byte[] data = n.data();
        if (n.notifyType() == NotifyType.INVALID_KE_PAYLOAD && data.length == 2) {
            sb.append(" (wants DH group ").append(dhGroup(BigEndian.u16(data, 0))).append(')');
        }
        return sb.toString();
    }

    private static String delete(DeletePayload d) {
        if (d.spis().isEmpty()) {
            return ProtocolId.name(d.protocolId()) + " SA";
        }
        List<String> spis = new ArrayList<>();
        d.spis().forEach(s -> spis.add(HEX.formatHex(s)));
        return ProtocolId.name(d.protocolId()) + " SPI " + String.join(", ", spis);
    }

    private static String configuration(ConfigurationPayload cp) {
        String kind = switch (cp.cfgType()) {
            case ConfigurationPayload.CFG_REQUEST -> "request";
            case ConfigurationPayload.CFG_REPLY -> "reply";
            case ConfigurationPayload.CFG_SET -> "set";
            case ConfigurationPayload.CFG_ACK -> "ack";
            default -> "type " + cp.cfgType();
        };
        List<String> attributes = new ArrayList<>();
        for (ConfigAttribute a : cp.attributes()) {
            String name = switch (a.type()) {
                case ConfigAttribute.INTERNAL_IP4_ADDRESS -> "INTERNAL_IP4_ADDRESS";
                case ConfigAttribute.INTERNAL_IP4_NETMASK -> "INTERNAL_IP4_NETMASK";
                case ConfigAttribute.INTERNAL_IP4_DNS -> "INTERNAL_IP4_DNS";
                case 8 -> "INTERNAL_IP6_ADDRESS";
                case 10 -> "INTERNAL_IP6_DNS";
                default -> "attribute " + a.type();
            };
            byte[] v = a.value();
            boolean address = a.type() == ConfigAttribute.INTERNAL_IP4_ADDRESS || a.type() == ConfigAttribute.INTERNAL_IP4_DNS
                    || a.type() == ConfigAttribute.INTERNAL_IP4_NETMASK;
            attributes.add(v.length == 0 ? name : address && v.length == 4 ? name + " " + address(v)
                    : a.type() == 8 && v.length == 17 ? name + " " + address(java.util.Arrays.copyOf(v, 16)) + "/" + (v[16] & 0xFF)
                    : name + " (" + v.length + " bytes)");
        }
        return kind + (attributes.isEmpty() ? "" : " " + String.join(", ", attributes));
    }
}
