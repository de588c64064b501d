package org.ipsec4j.esp.sad;

/**
 * An SA reached a lifetime limit: SOFT means rekey now (RFC 4301 §4.4.2.1), HARD means the SA is gone
 * (already removed from the SAD when the event is seen).
 *
 * @param atNanos the caller's clock when it happened
 */
public record LifetimeEvent(SecurityAssociation sa, Severity severity, Cause cause, long atNanos) {

    public enum Severity {
        SOFT,
        HARD
    }

    public enum Cause {
        BYTES,
        PACKETS,
        TIME,
        /** Every sequence number was used (RFC 4303 §3.3.3); always HARD. */
        SEQUENCE_EXHAUSTED
    }

    @Override
    public String toString() {
        return severity + " " + cause + " " + sa.description();
    }
}
