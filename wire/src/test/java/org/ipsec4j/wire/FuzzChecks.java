package org.ipsec4j.wire;

/** Invariants the fuzz targets assert on whatever a parser accepted; a violation is a finding. */
final class FuzzChecks {
    private FuzzChecks() {}

    static void check(boolean condition, String what, Object view) {
        if (!condition) {
            throw new IllegalStateException(what + ": " + view);
        }
    }

    /** A view's strict {@code wrap} or lenient {@code wrapQuoted}, as a method reference. */
    @FunctionalInterface
    interface Wrap {
        void wrap(byte[] buf, int off, int len);
    }

    /**
     * The input of the IP packet targets: the low bit of the first byte chooses strict or quoted (lenient)
     * parsing, the rest is the packet.
     */
    record ModeAndPacket(boolean quoted, byte[] buf, int off, int len) {

        /** Null for an empty input. */
        static ModeAndPacket of(byte[] input) {
            return input.length == 0 ? null : new ModeAndPacket((input[0] & 1) != 0, input, 1, input.length - 1);
        }

        /** Parses the packet the chosen way; throws what the view throws. */
        void wrap(Wrap strict, Wrap quoted) {
            (this.quoted ? quoted : strict).wrap(buf, off, len);
        }
    }

    /** [start, start+length) lies within [lo, hi). */
    static void within(int start, int length, int lo, int hi, String what, Object view) {
        check(length >= 0 && start >= lo && start + length <= hi, what + " [" + start + ", +" + length
                + ") outside [" + lo + ", " + hi + ")", view);
    }
}
