package org.ipsec4j.ike.crypto;

import org.ipsec4j.esp.crypto.DestroyableSecretKey;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * The IKEv2 pseudorandom functions ipsec4j implements (IANA "Transform Type 2 - Pseudorandom Function Transform
 * IDs"): HMAC with SHA-2, RFC 4868 §2.1.2. Their preferred key length is the hash output length, which is
 * therefore the length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14).
 */
public enum PseudoRandomFunction {

    HMAC_SHA2_256(5, "HmacSHA256", 32),
    HMAC_SHA2_384(6, "HmacSHA384", 48),
    HMAC_SHA2_512(7, "HmacSHA512", 64);

    /** RFC 7296 §2.13: the counter byte of prf+ cannot go past 255. */
    public static final int MAX_PRF_PLUS_BLOCKS = 255;

    private final int id;
    private final String macAlgorithm;
    private final int outputLength;

    PseudoRandomFunction(int id, String macAlgorithm, int outputLength) {
        this.id = id;
        this.macAlgorithm = macAlgorithm;
        this.outputLength = outputLength;
    }

    /** The IKEv2 Transform Type 2 id. */
    public int id() {
        return id;
    }

    /** The PRF for an IKEv2 Transform Type 2 id, or null if ipsec4j does not implement it. */
    public static PseudoRandomFunction fromIke(int id) {
        for (PseudoRandomFunction p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    /** Output length in bytes. */
    public int outputLength() {
        return outputLength;
    }

    /** The preferred key length in bytes (RFC 4868 §2.1.2: the output length): the length of SK_d, SK_pi, SK_pr. */
    public int keyLength() {
        return outputLength;
    }

    /** The JCA {@code Mac} name, e.g. "HmacSHA256". */
    public String macAlgorithm() {
        return macAlgorithm;
    }

    /** prf(key, data[0] | data[1] | ...). */
    public byte[] apply(byte[] key, byte[]... data) {
        Objects.requireNonNull(key, "key");
        Mac mac = keyedMac(key);
        for (byte[] d : data) {
            mac.update(d);
        }
        return mac.doFinal();
    }

    /**
     * prf+(key, seed) truncated to {@code length} bytes (RFC 7296 §2.13): T1 = prf(K, S | 0x01),
     * Tn = prf(K, Tn-1 | S | n), output T1 | T2 | ...
     *
     * @throws IllegalArgumentException if {@code length} is not positive or needs more than 255 blocks
     */
    public byte[] prfPlus(byte[] key, byte[] seed, int length) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(seed, "seed");
        if (length <= 0 || length > MAX_PRF_PLUS_BLOCKS * outputLength) {
            throw new IllegalArgumentException("prf+ output of " + length + " bytes: must be 1.."
                    + MAX_PRF_PLUS_BLOCKS * outputLength + " for " + this + " (RFC 7296 §2.13)");
        }
        Mac mac = keyedMac(key);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int off = 0;
        for (int n = 1; off < length; n++) {
            mac.update(block);
            mac.update(seed);
            mac.update((byte) n);
            Arrays.fill(block, (byte) 0);
            block = mac.doFinal();
            int take = Math.min(block.length, length - off);
            System.arraycopy(block, 0, out, off, take);
            off += take;
        }
        Arrays.fill(block, (byte) 0);
        return out;
    }

    private Mac keyedMac(byte[] key) {
        DestroyableSecretKey k = new DestroyableSecretKey(key, macAlgorithm);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(k);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + macAlgorithm, e);
        } finally {
            k.destroy();
        }
    }
}
