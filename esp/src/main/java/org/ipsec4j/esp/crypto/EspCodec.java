package org.ipsec4j.esp.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import org.ipsec4j.wire.BigEndian;

/**
 * Builds and opens ESP packets (RFC 4303 §2) for one SA: from the SPI to the ICV, without the IP header
 * (or the UDP header of RFC 3948) in front, which the data plane writes.
 *
 * <pre>
 *   SPI (4) | Sequence Number, low 32 bits (4) | IV | ciphertext of
 *   [ payload | padding 1, 2, 3, ... | pad length (1) | next header (1) ] | ICV
 * </pre>
 *
 * <p><b>Per packet</b>: no allocation of our own. The AEAD modes init their one {@link Cipher} per packet
 * (the JDK API takes the nonce only through a new {@code GCMParameterSpec} / {@code IvParameterSpec}, and its
 * GCM allocates internally); CBC inits its cipher once with a zero IV and XORs the packet's IV into the first
 * block instead (CBC with IV v over P equals CBC with a zero IV over P with v XORed into its first block), so
 * it needs no init at all per packet, and runs in 1 KiB chunks through a scratch array so the JDK does not copy
 * the packet; HMAC is computed by {@link Hmac} into a scratch array.
 *
 * <p><b>IVs</b>: GCM and ChaCha20-Poly1305 carry the 64-bit sequence number as the explicit IV, unique per
 * key as RFC 4106 §3.1 and RFC 7634 §2 require (the nonce is salt || IV). CBC takes unpredictable IVs from a
 * {@link RandomIvGenerator} (RFC 3602 §2).
 *
 * <p><b>ESN</b> (RFC 4303 §2.2.1, RFC 4304): the high 32 bits are never sent. With an HMAC they are appended
 * to the ICV input after the trailer (§3.3.2.1); with an AEAD they are in the AAD as SPI || seq high || seq low
 * (RFC 4106 §5, RFC 7634 §2.1).
 *
 * <p>Not thread-safe: one codec per SA per thread. {@link #destroy()} zeroes the keys this codec holds.
 */
public final class EspCodec {

    /** Next Header value of a dummy packet (RFC 4303 §2.6). */
    public static final int NEXT_HEADER_DUMMY = 59;

    private static final SecureRandom SEED_SOURCE = new SecureRandom();
    /** CBC chunk: a multiple of both block sizes (16, 8). */
    private static final int CBC_CHUNK = 1024;

    private final EspTransform transform;
    private final EncryptionAlgorithm encryption;
    private final int spi;
    private final boolean extendedSequenceNumbers;
    private final int headerLength;
    private final int ivLength;
    private final int icvLength;
    private final int blockSize;

    private final DestroyableSecretKey cipherKey;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[12];
    private final Cipher aeadCipher;
    private Cipher cbcEncrypt;
    private Cipher cbcDecrypt;
    private byte[] cbcScratch;
    private RandomIvGenerator ivGenerator;

    private final Hmac hmac;
    private final byte[] icv;

    private boolean destroyed;

    /**
     * @param transform               the validated transform
     * @param spi                     this SA's SPI; the SAD never assigns 0 (RFC 4303 §2.1) but the codec
     *                                does not care (one published test vector uses it)
     * @param extendedSequenceNumbers whether the SA negotiated ESN (RFC 4304)
     * @param encryptionKey           {@link EncryptionAlgorithm#keyMaterialLength()} bytes: the key, followed
     *                                by the 4-byte salt for GCM and ChaCha20-Poly1305; empty or null for NULL.
     *                                Copied: the caller should zero its array.
     * @param integrityKey            {@link IntegrityAlgorithm#keyLength()} bytes; empty or null for NONE.
     *                                Copied likewise.
     */
    public EspCodec(EspTransform transform, int spi, boolean extendedSequenceNumbers, byte[] encryptionKey,
                    byte[] integrityKey) {
        this.transform = Objects.requireNonNull(transform, "transform");
        this.encryption = transform.encryption();
        this.spi = spi;
        this.extendedSequenceNumbers = extendedSequenceNumbers;
        this.headerLength = transform.headerLength();
        this.ivLength = encryption.ivLength();
        this.icvLength = transform.icvLength();
        this.blockSize = transform.alignment();

        int encLen = encryptionKey == null ? 0 : encryptionKey.length;
        if (encLen != encryption.keyMaterialLength()) {
            throw new IllegalArgumentException(encryption + " needs " + encryption.keyMaterialLength()
                    + " bytes of key" + (encryption.saltLength() > 0 ? " (key || 4-byte salt)" : "") + ", got " + encLen);
        }
        IntegrityAlgorithm integrity = transform.integrity();
        int intLen = integrityKey == null ? 0 : integrityKey.length;
        if (intLen != integrity.keyLength()) {
            throw new IllegalArgumentException(integrity + " needs " + integrity.keyLength() + " bytes of key, got "
                    + intLen);
        }

        if (encryption == EncryptionAlgorithm.NULL) {
            cipherKey = null;
        } else {
            cipherKey = new DestroyableSecretKey(encryptionKey, 0, encryption.keyLength(), encryption.jcaKeyAlgorithm());
            System.arraycopy(encryptionKey, encryption.keyLength(), nonce, 0, encryption.saltLength());
        }
        if (encryption.aead()) {
            aeadCipher = newCipher();
        } else {
            aeadCipher = null;
        }
        if (transform.separateIntegrity()) {
            hmac = new Hmac(integrity, integrityKey, 0, intLen);
            icv = new byte[hmac.digestLength()];
        } else {
            hmac = null;
            icv = null;
        }
    }

    public EspTransform transform() {
        return transform;
    }

    public int spi() {
        return spi;
    }

    public boolean extendedSequenceNumbers() {
        return extendedSequenceNumbers;
    }

    /** {@link EspTransform#espLength(int)}. */
    public int espLength(int payloadLength) {
        return transform.espLength(payloadLength);
    }

    /**
     * Writes a whole ESP packet: SPI | seq (low 32) | IV | ciphertext | ICV.
     *
     * <p>Works in place: with {@code out == payload} and {@code outOffset + headerLength() == payloadOffset}
     * the payload is not moved; the caller leaves {@link EspTransform#headerLength()} bytes of headroom and
     * {@link EspTransform#trailerMax()} bytes of tailroom. Any other placement, overlapping or not, works too
     * (the payload is moved first, as by {@code System.arraycopy}).
     *
     * @param sequenceNumber the full sequence number from the SA's {@code SequenceCounter}: 1 .. 2^32-1, or
     *                       1 .. 2^64-1 (unsigned) with ESN; each used once per key
     * @param nextHeader     the protocol of the payload: 4 or 41 in tunnel mode, 6, 17, ... in transport mode,
     *                       59 for a dummy packet
     * @return the ESP length, {@link EspTransform#espLength(int) espLength(payloadLength)}
     * @throws IllegalArgumentException if the sequence number is out of range or {@code out} is too short
     * @throws IllegalStateException    after {@link #destroy()}, or if the JDK refuses a reused AEAD nonce
     */
    public int encapsulate(long sequenceNumber, int nextHeader, byte[] payload, int payloadOffset, int payloadLength,
                           byte[] out, int outOffset) {
        return encapsulate(sequenceNumber, nextHeader, payload, payloadOffset, payloadLength, out, outOffset, null, 0);
    }

    /**
     * {@link #encapsulate} with a given IV instead of the sequence number (AEAD) or a random one (CBC), for the
     * known-answer tests whose vectors use other IVs. Never for traffic.
     */
    int encapsulateWithIv(long sequenceNumber, int nextHeader, byte[] payload, int payloadOffset, int payloadLength,
                          byte[] out, int outOffset, byte[] iv, int ivOffset) {
        return encapsulate(sequenceNumber, nextHeader, payload, payloadOffset, payloadLength, out, outOffset,
                Objects.requireNonNull(iv), ivOffset);
    }

    private int encapsulate(long seq, int nextHeader, byte[] payload, int payloadOffset, int payloadLength,
                            byte[] out, int outOffset, byte[] givenIv, int givenIvOffset) {
        checkUsable();
        if (seq == 0 || (!extendedSequenceNumbers && (seq >>> 32) != 0)) {
            throw new IllegalArgumentException("sequence number " + Long.toUnsignedString(seq) + " outside 1.."
                    + (extendedSequenceNumbers ? "2^64-1" : "2^32-1") + " (RFC 4303 §3.3.3)");
        }
        Objects.checkFromIndexSize(payloadOffset, payloadLength, payload.length);
        int espLength = transform.espLength(payloadLength);
        Objects.checkFromIndexSize(outOffset, espLength, out.length);

        int ctOff = outOffset + headerLength;
        if (payload != out || payloadOffset != ctOff) {
            System.arraycopy(payload, payloadOffset, out, ctOff, payloadLength);
        }
        // RFC 4303 §2.4: the default padding is 1, 2, 3, ...; then Pad Length and Next Header.
        int padLength = transform.paddingLength(payloadLength);
        int p = ctOff + payloadLength;
        for (int i = 1; i <= padLength; i++) {
            out[p++] = (byte) i;
        }
        out[p++] = (byte) padLength;
        out[p++] = (byte) nextHeader;
        int ctLen = p - ctOff;

        BigEndian.put32(out, outOffset, spi);
        BigEndian.put32(out, outOffset + 4, (int) seq);
        int ivOff = outOffset + 8;
        if (ivLength > 0) {
            if (givenIv != null) {
                System.arraycopy(givenIv, givenIvOffset, out, ivOff, ivLength);
            } else if (encryption.aead()) {
                BigEndian.put64(out, ivOff, seq); // RFC 4106 §3.1, RFC 7634 §2: the counter is a fine unique IV
            } else {
                randomIvs().next(out, ivOff, ivLength);
            }
        }

        if (encryption.aead()) {
            System.arraycopy(out, ivOff, nonce, 4, 8);
            try {
                aeadCipher.init(Cipher.ENCRYPT_MODE, cipherKey, nonceSpec());
                addAad(out, outOffset, seq);
                aeadCipher.doFinal(out, ctOff, ctLen, out, ctOff);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AEAD encryption failed (nonce reused?) for seq "
                        + Long.toUnsignedString(seq), e);
            }
            return espLength;
        }
        if (encryption != EncryptionAlgorithm.NULL) {
            xorBlock(out, ctOff, out, ivOff);
            cbcInPlace(Cipher.ENCRYPT_MODE, out, ctOff, ctLen);
        }
        // RFC 4303 §3.3.2.1: ICV over SPI .. Next Header, then the ESN high bits, which are not sent.
        hmac.update(out, outOffset, headerLength + ctLen);
        if (extendedSequenceNumbers) {
            hmac.updateInt((int) (seq >>> 32));
        }
        hmac.finish(icv, 0);
        System.arraycopy(icv, 0, out, ctOff + ctLen, icvLength);
        return espLength;
    }

    /**
     * Verifies and decrypts, in place, the ESP packet at {@code buf[espOffset .. espOffset + espLength)}.
     *
     * <p>Order: length checks; SPI; ICV (HMAC before decrypting, compared in constant time; AEAD by the
     * cipher's tag check); decryption in place; padding and pad length (RFC 4303 §2.4). The replay window is
     * the caller's: check before, {@code accept(out.sequenceNumber())} after a DELIVER or DUMMY.
     *
     * @param inferredSequenceNumber the full sequence number from {@code ReplayWindow.check}: only its high 32
     *                               bits are used (with ESN), the low 32 are read from the packet
     * @param out                    receives next header, payload offset and length (left untouched on a drop)
     * @return {@link DecapsulationResult#DELIVER}, {@link DecapsulationResult#DUMMY} or a drop reason; the
     *         buffer's bytes are undefined after a drop
     * @throws IllegalStateException after {@link #destroy()}
     */
    public DecapsulationResult decapsulate(long inferredSequenceNumber, byte[] buf, int espOffset, int espLength,
                                           Decapsulated out) {
        checkUsable();
        Objects.checkFromIndexSize(espOffset, espLength, buf.length);
        int ctLen = espLength - headerLength - icvLength;
        if (ctLen < EspTransform.TRAILER_FIXED_LENGTH) {
            return DecapsulationResult.TRUNCATED;
        }
        if (!encryption.aead() && encryption != EncryptionAlgorithm.NULL && ctLen % blockSize != 0) {
            return DecapsulationResult.BAD_LENGTH;
        }
        if (BigEndian.i32(buf, espOffset) != spi) {
            return DecapsulationResult.SPI_MISMATCH;
        }
        int seqLow = BigEndian.i32(buf, espOffset + 4);
        long seq = extendedSequenceNumbers
                ? (inferredSequenceNumber & 0xFFFF_FFFF_0000_0000L) | (seqLow & 0xFFFF_FFFFL)
                : seqLow & 0xFFFF_FFFFL;
        int ivOff = espOffset + 8;
        int ctOff = espOffset + headerLength;

        if (encryption.aead()) {
            System.arraycopy(buf, ivOff, nonce, 4, 8);
            try {
                aeadCipher.init(Cipher.DECRYPT_MODE, cipherKey, nonceSpec());
                addAad(buf, espOffset, seq);
                aeadCipher.doFinal(buf, ctOff, ctLen + icvLength, buf, ctOff);
            } catch (AEADBadTagException e) {
                return DecapsulationResult.AUTHENTICATION_FAILED;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AEAD decryption failed", e);
            }
        } else {
            hmac.update(buf, espOffset, headerLength + ctLen);
            if (extendedSequenceNumbers) {
                hmac.updateInt((int) (seq >>> 32));
            }
            hmac.finish(icv, 0);
            if (!ConstantTime.regionsEqual(icv, 0, buf, ctOff + ctLen, icvLength)) {
                return DecapsulationResult.AUTHENTICATION_FAILED;
            }
            if (encryption != EncryptionAlgorithm.NULL) {
                cbcInPlace(Cipher.DECRYPT_MODE, buf, ctOff, ctLen);
                xorBlock(buf, ctOff, buf, ivOff);
            }
        }

        int padLength = buf[ctOff + ctLen - 2] & 0xFF;
        int nextHeader = buf[ctOff + ctLen - 1] & 0xFF;
        int payloadLength = ctLen - EspTransform.TRAILER_FIXED_LENGTH - padLength;
        if (payloadLength < 0) {
            return DecapsulationResult.BAD_PADDING;
        }
        // RFC 4303 §2.4: with the default scheme the receiver SHOULD check the padding is 1, 2, 3, ...
        int padOff = ctOff + payloadLength;
        for (int i = 0; i < padLength; i++) {
            if (buf[padOff + i] != (byte) (i + 1)) {
                return DecapsulationResult.BAD_PADDING;
            }
        }
        out.nextHeader = nextHeader;
        out.payloadOffset = ctOff;
        out.payloadLength = payloadLength;
        out.sequenceNumber = seq;
        return nextHeader == NEXT_HEADER_DUMMY ? DecapsulationResult.DUMMY : DecapsulationResult.DELIVER;
    }

    /** RFC 4106 §5 / RFC 7634 §2.1: SPI || seq, or SPI || seq high || seq low with ESN. */
    private void addAad(byte[] packet, int espOffset, long seq) {
        if (extendedSequenceNumbers) {
            BigEndian.put32(aad, 0, spi);
            BigEndian.put64(aad, 4, seq);
            aeadCipher.updateAAD(aad, 0, 12);
        } else {
            aeadCipher.updateAAD(packet, espOffset, 8);
        }
    }

    private java.security.spec.AlgorithmParameterSpec nonceSpec() {
        // Both specs copy the nonce; the JDK offers no way to pass one without a new object per init.
        return encryption == EncryptionAlgorithm.CHACHA20_POLY1305
                ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(128, nonce);
    }

    /**
     * CBC over {@code buf[off .. off + len)} in place, a chunk at a time through a small scratch array: handed
     * the same array as input and output, the JDK's CipherCore copies the whole input first (about 1.4 KB
     * allocated per 1400-byte packet). The chaining state carries across update calls; doFinal ends the
     * packet and resets the cipher to its zero IV.
     */
    private void cbcInPlace(int mode, byte[] buf, int off, int len) {
        try {
            Cipher c = cbcCipher(mode);
            if (cbcScratch == null) {
                cbcScratch = new byte[CBC_CHUNK];
            }
            int pos = off;
            int end = off + len;
            while (end - pos > CBC_CHUNK) {
                int n = c.update(buf, pos, CBC_CHUNK, cbcScratch, 0);
                System.arraycopy(cbcScratch, 0, buf, pos, n);
                pos += n;
            }
            int n = c.doFinal(buf, pos, end - pos, cbcScratch, 0);
            System.arraycopy(cbcScratch, 0, buf, pos, n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CBC " + (mode == Cipher.ENCRYPT_MODE ? "encryption" : "decryption")
                    + " failed", e);
        }
    }

    /** Lazily made, so a codec used in one direction (the normal case) holds one Cipher. */
    private Cipher cbcCipher(int mode) throws GeneralSecurityException {
        Cipher c = mode == Cipher.ENCRYPT_MODE ? cbcEncrypt : cbcDecrypt;
        if (c == null) {
            c = newCipher();
            c.init(mode, cipherKey, new IvParameterSpec(new byte[ivLength]));
            if (mode == Cipher.ENCRYPT_MODE) {
                cbcEncrypt = c;
            } else {
                cbcDecrypt = c;
            }
        }
        return c;
    }

    private void xorBlock(byte[] target, int targetOff, byte[] iv, int ivOff) {
        for (int i = 0; i < ivLength; i++) {
            target[targetOff + i] ^= iv[ivOff + i];
        }
    }

    private RandomIvGenerator randomIvs() {
        if (ivGenerator == null) {
            ivGenerator = new RandomIvGenerator(SEED_SOURCE);
        }
        return ivGenerator;
    }

    private Cipher newCipher() {
        try {
            return Cipher.getInstance(encryption.jcaTransformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + encryption.jcaTransformation(), e);
        }
    }

    private void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException("ESP codec for SPI 0x" + Integer.toHexString(spi) + " was destroyed");
        }
    }

    /**
     * Zeroes the keys this codec holds (the cipher key, the salt, the HMAC pads, the IV generator's
     * keystream) and makes the codec unusable. The JDK's ciphers keep their expanded key schedules until they
     * are collected; no public API clears them.
     */
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        if (cipherKey != null) {
            cipherKey.destroy();
        }
        Arrays.fill(nonce, (byte) 0);
        Arrays.fill(aad, (byte) 0);
        if (hmac != null) {
            hmac.destroy();
            Arrays.fill(icv, (byte) 0);
        }
        if (ivGenerator != null) {
            ivGenerator.destroy();
        }
        if (cbcScratch != null) {
            Arrays.fill(cbcScratch, (byte) 0);
        }
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "EspCodec[spi=0x" + Integer.toHexString(spi) + ", " + transform + (extendedSequenceNumbers ? ", ESN" : "")
                + (destroyed ? ", destroyed" : "") + "]";
    }
}
