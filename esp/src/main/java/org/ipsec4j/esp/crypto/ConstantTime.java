package org.ipsec4j.esp.crypto;

/** Comparison of secrets (ICVs) whose running time does not depend on the data. */
final class ConstantTime {

    private ConstantTime() {}

    /** Compares {@code len} bytes without an early exit, so the time does not tell where they differ. */
    static boolean regionsEqual(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}
