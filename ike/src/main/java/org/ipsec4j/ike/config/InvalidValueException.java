package org.ipsec4j.ike.config;

/**
 * A value string that does not parse: an unknown algorithm keyword, a bad address or prefix, a bad duration.
 * {@link #offset()} is the char index in the parsed string where the problem starts, so that
 * {@link SwanctlParser} can point at the exact column in the file. The message never repeats a secret.
 */
public final class InvalidValueException extends Exception {

    private final int offset;

    public InvalidValueException(int offset, String message) {
        super(message, null, false, false);
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset);
        }
        this.offset = offset;
    }

    /** Char index into the parsed string (0 = its start; its length = just past its end). */
    public int offset() {
        return offset;
    }

    /** The same problem at {@code base + offset()}, for a string that was cut out of a longer one. */
    InvalidValueException shifted(int base) {
        return new InvalidValueException(base + offset, getMessage());
    }
}
