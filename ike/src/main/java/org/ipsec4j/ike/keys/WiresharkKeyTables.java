package org.ipsec4j.ike.keys;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;

/**
 * Keys as rows of Wireshark's user access tables (UAT files in its configuration directory, or {@code tshark -o
 * "uat:TABLE:ROW"}), with the algorithm names Wireshark 4.0 (Debian 12's) offers:
 *
 * <pre>
 * ikev2_decryption_table:  SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity"
 *   8a6e0d2f4c1b3a59,2f0c8e1d9b7a6543,&lt;hex&gt;,&lt;hex&gt;,"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"
 * esp_sa:  "protocol","source","destination","SPI","encryption","key","authentication","key"
 *   "IPv4","192.0.2.1","192.0.2.2","0xc3a1f00d","AES-GCM with 16 octet ICV [RFC4106]","0x&lt;hex&gt;","NULL",""
 * </pre>
 *
 * Hex buffers of the IKEv2 table are bare hex; the ESP table takes keys as {@code 0x}-prefixed strings. SK_e of an
 * AEAD is key then salt in both. Wireshark 4.0 has no ChaCha20-Poly1305 in either table: such SAs get no row
 * (the methods return null), and ipsec4j's own key log still has them.
 */
public final class WiresharkKeyTables {

    /** The file names in a Wireshark configuration directory. */
    public static final String IKEV2_TABLE = "ikev2_decryption_table";
    public static final String ESP_TABLE = "esp_sa";
    public static final String PREFERENCES = "preferences";

    /** What {@code preferences} needs for tshark to use the ESP table and check ICVs. */
    public static final String ESP_PREFERENCES = "esp.enable_encryption_decode: TRUE\n"
            + "esp.enable_authentication_check: TRUE\n";

    private WiresharkKeyTables() {}

    /** An {@code ikev2_decryption_table} row with a newline, or null if Wireshark cannot decrypt the algorithm. */
    public static byte[] ikev2Row(IkeSaSecrets s) {
        String encryption = ikeEncryption(s.encryption(), s.keyBits());
        if (encryption == null || !s.spisKnown()) {
            return null;
        }
        SecretText t = new SecretText().append(String.format("%016x,%016x,", s.spiI(), s.spiR()))
                .appendHex(s.skEi()).append(",").appendHex(s.skEr()).append(",\"").append(encryption).append("\",")
                .appendHex(s.skAi()).append(",").appendHex(s.skAr()).append(",\"")
                .append(ikeIntegrity(s.integrity())).append("\"\n");
        return t.take();
    }

    /** An {@code esp_sa} row (two, IPv4 and IPv6, when the addresses are unknown), or null if Wireshark cannot. */
    public static byte[] espRow(EspSaSecrets s) {
        String encryption = espEncryption(s.transform().encryption());
        String authentication = espAuthentication(s.transform().integrity());
        if (encryption == null || authentication == null) {
            return null;
        }
        SecretText t = new SecretText();
        if (s.source() != null && s.destination() != null) {
            espRow(t, s.source().family() == IpFamily.IPV4 ? "IPv4" : "IPv6", s.source().toString(),
                    s.destination().toString(), s, encryption, authentication);
        } else {
            espRow(t, "IPv4", "*", "*", s, encryption, authentication);
            espRow(t, "IPv6", "*", "*", s, encryption, authentication);
        }
        return t.take();
    }

    private static void espRow(SecretText t, String protocol, String source, String destination, EspSaSecrets s,
                               String encryption, String authentication) {
        t.append("\"" + protocol + "\",\"" + source + "\",\"" + destination + "\",\"")
                .append(String.format("0x%08x", s.spi())).append("\",\"").append(encryption).append("\",\"");
        if (s.encryptionKey().length > 0) {
            t.append("0x").appendHex(s.encryptionKey());
        }
        t.append("\",\"").append(authentication).append("\",\"");
        if (s.integrityKey().length > 0) {
            t.append("0x").appendHex(s.integrityKey());
        }
        t.append("\"\n");
    }

    static String ikeEncryption(EncryptionTransform e, int keyBits) {
        return switch (e) {
            case AES_CBC -> "AES-CBC-" + keyBits + " [RFC3602]";
            case AES_GCM_16 -> "AES-GCM-" + keyBits + " with 16 octet ICV [RFC5282]";
            case CHACHA20_POLY1305 -> null;
        };
    }

    static String ikeIntegrity(IntegrityTransform i) {
        return switch (i) {
            case NONE -> "NONE [RFC4306]";
            case HMAC_SHA2_256_128, HMAC_SHA2_384_192, HMAC_SHA2_512_256 -> i.name() + " [RFC4868]";
        };
    }

    static String espEncryption(EncryptionAlgorithm e) {
        return switch (e) {
            case NULL -> "NULL";
            case AES_CBC_128, AES_CBC_192, AES_CBC_256 -> "AES-CBC [RFC3602]";
            case AES_GCM_16_128, AES_GCM_16_192, AES_GCM_16_256 -> "AES-GCM with 16 octet ICV [RFC4106]";
            case TRIPLE_DES_CBC -> "TripleDES-CBC [RFC2451]";
            case CHACHA20_POLY1305 -> null;
        };
    }

    static String espAuthentication(IntegrityAlgorithm i) {
        return switch (i) {
            case NONE -> "NULL";
            case HMAC_MD5_96 -> "HMAC-MD5-96 [RFC2403]";
            case HMAC_SHA1_96 -> "HMAC-SHA-1-96 [RFC2404]";
            case HMAC_SHA2_256_128 -> "HMAC-SHA-256-128 [RFC4868]";
            case HMAC_SHA2_384_192 -> "HMAC-SHA-384-192 [RFC4868]";
            case HMAC_SHA2_512_256 -> "HMAC-SHA-512-256 [RFC4868]";
        };
    }
}
