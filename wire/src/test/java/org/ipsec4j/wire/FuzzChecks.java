package org.ipsec4j.wire;

/** Invariants the fuzz targets assert on whatever a parser accepted; a violation is a finding. */
final class FuzzChecks {
    private FuzzChecks() {}

    static void check(boolean condition, String what, Object view) {
        if (!condition) {
            throw new IllegalStateException(what + ": " + view);
        }
    }

    /** [start, start+length) lies within [lo, hi). */
    static void within(int start, int length, int lo, int hi, String what, Object view) {
        check(length >= 0 && start >= lo && start + length <= hi, what + " [" + start + ", +" + length
                + ") outside [" + lo + ", " + hi + ")", view);
    }
}
