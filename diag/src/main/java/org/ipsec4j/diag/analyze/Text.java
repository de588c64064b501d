package org.ipsec4j.diag.analyze;

import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;

/** Small text helpers shared by the detectors and the text report. */
final class Text {

    private Text() {}

    /** Sixteen hex digits, as IKE SPIs are written. */
    static String spi64(long spi) {
        return String.format("%016x", spi);
    }

    /** {@code 0x0badcafe}. */
    static String spi32(int spi) {
        return IcmpQuoteMatcher.hex32(spi);
    }

    /** {@code #3, #5, #9} (at most {@code max} of them, then {@code , ...}). */
    static String packets(Collection<Long> packets, int max) {
        StringBuilder sb = new StringBuilder();
        Iterator<Long> it = packets.iterator();
        for (int i = 0; it.hasNext(); i++) {
            long p = it.next();
            if (i == max) {
                sb.append(", ...");
                break;
            }
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('#').append(p);
        }
        return sb.toString();
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    static String millis(long ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms + " ms";
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String times(long n) {
        return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
    }

    /** {@code IKE SA 0123456789abcdef_i fedcba9876543210_r} (IKEv1: cookies). */
    static String ikeSa(IkeSaRecord sa) {
        return (sa.majorVersion() == 1 ? "IKEv1 SA " : "IKE SA ") + spi64(sa.initiatorSpi()) + "_i "
                + spi64(sa.responderSpi()) + "_r";
    }
}
