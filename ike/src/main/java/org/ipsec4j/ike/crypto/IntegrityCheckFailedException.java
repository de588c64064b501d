package org.ipsec4j.ike.crypto;

/**
 * An SK or SKF payload body that {@link SkCipher#open} refuses. Such a message is dropped without a reply
 * (RFC 7296 §2.21); {@link #reason()} names why, for the drop counters.
 */
public final class IntegrityCheckFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a body was refused. */
    public enum Reason {
        /** Shorter than IV + one block (or the pad-length byte) + ICV. */
        TOO_SHORT,
        /** CBC ciphertext that is not a whole number of blocks. */
        NOT_BLOCK_ALIGNED,
        /** The ICV (HMAC or AEAD tag) does not match: tampered, or not our key. */
        BAD_ICV,
        /** Authentic, but the pad-length byte claims more padding than there is. */
        BAD_PADDING
    }

    private final Reason reason;

    public IntegrityCheckFailedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
