package org.ipsec4j.wire.pcap;

/**
 * A pcapng if_tsresol value: timestamps count units of 10^-exponent seconds, or 2^-exponent seconds when the
 * option's most significant bit is set (draft-ietf-opsawg-pcapng, "if_tsresol"). Absent, it is 10^-6.
 */
record TimestampResolution(boolean binary, int exponent) {

    static final TimestampResolution MICROSECONDS = new TimestampResolution(false, 6);
    static final TimestampResolution NANOSECONDS = new TimestampResolution(false, 9);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** 10^0 .. 10^19; 10^19 exceeds Long.MAX_VALUE and is used as an unsigned value. */
    private static final long[] POWERS_OF_TEN = new long[20];

    static {
        long power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
    }

    /** Decodes the one-byte option value. */
    static TimestampResolution fromOption(int value) {
        return new TimestampResolution((value & 0x80) != 0, value & 0x7F);
    }

    /**
     * Converts a timestamp, an unsigned 64-bit count of units since 1970, to nanoseconds (rounded down).
     *
     * @throws ArithmeticException if the result does not fit in a signed 64-bit count of nanoseconds
     */
    long toNanos(long units) {
        return binary ? binaryToNanos(units) : decimalToNanos(units);
    }

    private long decimalToNanos(long units) {
        if (exponent <= 9) {
            long factor = POWERS_OF_TEN[9 - exponent];
            long low = units * factor;
            if (Math.unsignedMultiplyHigh(units, factor) != 0 || low < 0) {
                throw new ArithmeticException("timestamp overflows 64-bit nanoseconds");
            }
            return low;
        }
        int divisorExponent = exponent - 9;
        return divisorExponent < POWERS_OF_TEN.length ? Long.divideUnsigned(units, POWERS_OF_TEN[divisorExponent]) : 0;
    }

    // units * 10^9 / 2^exponent, computed on the 128-bit product so that no precision is lost on the way.
    private long binaryToNanos(long units) {
        long high = Math.unsignedMultiplyHigh(units, NANOS_PER_SECOND);
        long low = units * NANOS_PER_SECOND;
        long result;
        if (exponent == 0) {
            if (high != 0) {
                throw new ArithmeticException("timestamp overflows 64-bit nanoseconds");
            }
            result = low;
        } else if (exponent < 64) {
            if ((high >>> exponent) != 0) {
                throw new ArithmeticException("timestamp overflows 64-bit nanoseconds");
            }
            result = (low >>> exponent) | (high << (64 - exponent));
        } else {
            result = high >>> (exponent - 64);
        }
        if (result < 0) {
            throw new ArithmeticException("timestamp overflows 64-bit nanoseconds");
        }
        return result;
    }

    @Override
    public String toString() {
        return (binary ? "2^-" : "10^-") + exponent + " s";
    }
}
