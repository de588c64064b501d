package org.ipsec4j.ike.keys;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;

/**
 * ipsec4j's key log: a text file, one SA per line, fields as {@code name=value} separated by blanks, keys in
 * lower-case hex, {@code -} for a key the algorithm does not have; {@code #} starts a comment line.
 *
 * <pre>
 * # ipsec4j key log 1
 * ike spi_i=8a6e0d2f4c1b3a59 spi_r=2f0c8e1d9b7a6543 enc=AES_GCM_16_128 integ=NONE sk_ei=… sk_er=… sk_ai=- sk_ar=- conn=home
 * esp spi=c3a1f00d src=192.0.2.1 dst=192.0.2.2 enc=AES_GCM_16_128 integ=NONE esn=no enc_key=… integ_key=- conn=home child=net ike=8a6e0d2f4c1b3a59_2f0c8e1d9b7a6543
 * </pre>
 *
 * <ul>
 *   <li>{@code ike}: the initiator's and responder's IKE SPIs (16 hex digits each, as in the IKE header), the
 *       encryption transform as strongSwan names it ({@code AES_CBC_128|192|256}, {@code AES_GCM_16_128|192|256},
 *       {@code CHACHA20_POLY1305}), the integrity transform ({@code NONE} with an AEAD,
 *       {@code HMAC_SHA2_256_128}, {@code HMAC_SHA2_384_192}, {@code HMAC_SHA2_512_256}), then SK_ei, SK_er
 *       (for an AEAD: key then 4-byte salt), SK_ai, SK_ar (RFC 7296 §2.14).</li>
 *   <li>{@code esp}: one line per direction: the SPI (8 hex digits), the outer source and destination, the ESP
 *       encryption ({@code AES_CBC_128|192|256}, {@code AES_GCM_16_128|192|256}, {@code CHACHA20_POLY1305},
 *       {@code NULL}, {@code TRIPLE_DES_CBC}) and integrity ({@code NONE}, {@code HMAC_SHA1_96},
 *       {@code HMAC_SHA2_256_128|384_192|512_256}, {@code HMAC_MD5_96}), extended sequence numbers ({@code yes}
 *       or {@code no}), the encryption key (key then salt for an AEAD) and the integrity key.</li>
 *   <li>{@code conn}, {@code child} and {@code ike} (the IKE SA a Child SA was negotiated in) are for people;
 *       readers ignore them, and any other field they do not know.</li>
 * </ul>
 */
public final class KeyLogFormat {

    /** The first line of every key log ipsec4j writes. */
    public static final String HEADER = "# ipsec4j key log 1";

    private KeyLogFormat() {}

    /** The line for an IKE SA, with a newline; the caller zeroes the array after writing it. */
    public static byte[] ikeLine(IkeSaSecrets s, String connection) {
        SecretText t = new SecretText().append("ike spi_i=").append(String.format("%016x", s.spiI()))
                .append(" spi_r=").append(String.format("%016x", s.spiR()))
                .append(" enc=").append(s.encryptionName()).append(" integ=").append(s.integrity().name());
        hexField(t, "sk_ei", s.skEi());
        hexField(t, "sk_er", s.skEr());
        hexField(t, "sk_ai", s.skAi());
        hexField(t, "sk_ar", s.skAr());
        if (connection != null) {
            t.append(" conn=").append(connection);
        }
        return t.append("\n").take();
    }

    /** The line for one direction of a Child SA, with a newline; the caller zeroes the array after writing it. */
    public static byte[] espLine(EspSaSecrets s, String connection, String child, long ikeSpiI, long ikeSpiR) {
        SecretText t = new SecretText().append("esp spi=").append(String.format("%08x", s.spi()))
                .append(" src=").append(s.source() == null ? "-" : s.source().toString())
                .append(" dst=").append(s.destination() == null ? "-" : s.destination().toString())
                .append(" enc=").append(s.transform().encryption().name())
                .append(" integ=").append(s.transform().integrity().name())
                .append(" esn=").append(s.esn() ? "yes" : "no");
        hexField(t, "enc_key", s.encryptionKey());
        hexField(t, "integ_key", s.integrityKey());
        if (connection != null) {
            t.append(" conn=").append(connection);
        }
        if (child != null) {
            t.append(" child=").append(child);
        }
        if (ikeSpiI != 0) {
            t.append(" ike=").append(String.format("%016x_%016x", ikeSpiI, ikeSpiR));
        }
        return t.append("\n").take();
    }

    private static void hexField(SecretText t, String name, byte[] key) {
        t.append(" ").append(name).append("=");
        if (key.length == 0) {
            t.append("-");
        } else {
            t.appendHex(key);
        }
    }

    /** Whether a line looks like ipsec4j's (its header, or an {@code ike}/{@code esp} line). */
    static boolean recognises(String line) {
        return line.startsWith("# ipsec4j key log") || line.startsWith("ike spi_i=") || line.startsWith("esp spi=");
    }

    /**
     * Parses the lines of a key log into {@code ike} and {@code esp}.
     *
     * @throws KeyLogException naming the line and the field that is wrong
     */
    static void parse(String source, List<String> lines, List<IkeSaSecrets> ike, List<EspSaSecrets> esp)
            throws KeyLogException {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            Map<String, String> fields = new HashMap<>();
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                if (eq <= 0) {
                    throw new KeyLogException(source, i + 1, "'" + shorten(words[w]) + "' is not name=value");
                }
                fields.put(words[w].substring(0, eq), words[w].substring(eq + 1));
            }
            Line l = new Line(source, i + 1, fields);
            switch (words[0]) {
                case "ike" -> ike.add(l.ike());
                case "esp" -> esp.add(l.esp());
                default -> throw new KeyLogException(source, i + 1, "a line starts with ike or esp, not '"
                        + shorten(words[0]) + "'");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() > 24 ? s.substring(0, 24) + "…" : s;
    }

    /** The IKE encryption transform and key length for a strongSwan-style name, or null. */
    static EncryptionTransform ikeEncryption(String name, int[] keyBits) {
        if (name.equals("CHACHA20_POLY1305")) {
            keyBits[0] = 256;
            return EncryptionTransform.CHACHA20_POLY1305;
        }
        for (EncryptionTransform t : EncryptionTransform.values()) {
            String prefix = t.name() + "_";
            if (name.startsWith(prefix)) {
                try {
                    int bits = Integer.parseInt(name.substring(prefix.length()));
                    if (t.keyLengthAllowed(bits)) {
                        keyBits[0] = bits;
                        return t;
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private record Line(String source, int number, Map<String, String> fields) {

        IkeSaSecrets ike() throws KeyLogException {
            long spiI = spi64("spi_i");
            long spiR = spi64("spi_r");
            int[] bits = new int[1];
            EncryptionTransform enc = ikeEncryption(required("enc"), bits);
            if (enc == null) {
                throw problem("enc=" + shorten(required("enc")) + " is not an IKE encryption ipsec4j knows (AES_CBC_*,"
                        + " AES_GCM_16_*, CHACHA20_POLY1305)");
            }
            IntegrityTransform integ;
            try {
                integ = IntegrityTransform.valueOf(required("integ"));
            } catch (IllegalArgumentException e) {
                throw problem("integ=" + shorten(required("integ")) + " is not an IKE integrity transform ipsec4j knows");
            }
            byte[][] keys = {key("sk_ei"), key("sk_er"), key("sk_ai"), key("sk_ar")};
            try {
                return new IkeSaSecrets(spiI, spiR, enc, bits[0], integ, keys[0], keys[1], keys[2], keys[3]);
            } catch (IllegalArgumentException e) {
                for (byte[] k : keys) {
                    java.util.Arrays.fill(k, (byte) 0);
                }
                throw problem(e.getMessage());
            }
        }

        EspSaSecrets esp() throws KeyLogException {
            String spiText = required("spi");
            int spi;
            try {
                spi = Integer.parseUnsignedInt(spiText.startsWith("0x") ? spiText.substring(2) : spiText, 16);
            } catch (NumberFormatException e) {
                throw problem("spi=" + shorten(spiText) + " is not 8 hex digits");
            }
            EspTransform transform;
            try {
                transform = new EspTransform(EncryptionAlgorithm.valueOf(required("enc")),
                        IntegrityAlgorithm.valueOf(required("integ")));
            } catch (IllegalArgumentException e) {
                throw problem("enc=" + shorten(required("enc")) + " integ=" + shorten(required("integ"))
                        + " is not an ESP transform ipsec4j knows");
            }
            String esn = fields.getOrDefault("esn", "no");
            if (!esn.equals("yes") && !esn.equals("no")) {
                throw problem("esn=" + shorten(esn) + " is neither yes nor no");
            }
            byte[] enc = key("enc_key");
            byte[] integ = key("integ_key");
            try {
                return new EspSaSecrets(spi, address("src"), address("dst"), transform, esn.equals("yes"), enc, integ);
            } catch (IllegalArgumentException e) {
                java.util.Arrays.fill(enc, (byte) 0);
                java.util.Arrays.fill(integ, (byte) 0);
                throw problem(e.getMessage());
            }
        }

        private IpAddress address(String name) throws KeyLogException {
            String v = fields.get(name);
            if (v == null || v.equals("-")) {
                return null;
            }
            try {
                return IpAddress.parse(v);
            } catch (IllegalArgumentException e) {
                throw problem(name + "=" + shorten(v) + " is not an IP address");
            }
        }

        private long spi64(String name) throws KeyLogException {
            String v = required(name);
            if (v.length() != 16) {
                throw problem(name + " must be 16 hex digits");
            }
            try {
                return Long.parseUnsignedLong(v, 16);
            } catch (NumberFormatException e) {
                throw problem(name + " must be 16 hex digits");
            }
        }

        private byte[] key(String name) throws KeyLogException {
            String v = required(name);
            if (v.equals("-")) {
                return new byte[0];
            }
            byte[] b = SecretText.parseHex(v);
            if (b == null) {
                throw problem(name + " is not hex");
            }
            return b;
        }

        private String required(String name) throws KeyLogException {
            String v = fields.get(name);
            if (v == null) {
                throw problem("no " + name + "=");
            }
            return v;
        }

        private KeyLogException problem(String what) {
            return new KeyLogException(source, number, what);
        }
    }
}
