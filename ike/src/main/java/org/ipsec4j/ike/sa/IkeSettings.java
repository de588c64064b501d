package org.ipsec4j.ike.sa;

import java.time.Duration;

/**
 * Engine-wide knobs. Retransmission as strongSwan's defaults (RFC 7296 §2.1 leaves them to us): first resend
 * after {@code retransmitTimeout}, each next one {@code retransmitBase} times later, give up after
 * {@code retransmitTries} resends.
 *
 * @param cookieThreshold half-open IKE SAs beyond which IKE_SA_INIT requests must carry a COOKIE (§2.6)
 * @param halfOpenTimeout how long a responder keeps an IKE SA whose IKE_AUTH never came
 * @param natKeepalive keepalive interval from behind a NAT (RFC 3948 §2.3)
 */
public record IkeSettings(Duration retransmitTimeout, double retransmitBase, int retransmitTries, int cookieThreshold,
                          Duration halfOpenTimeout, Duration natKeepalive) {

    public static final IkeSettings DEFAULT = new IkeSettings(Duration.ofSeconds(2), 1.8, 5, 20,
            Duration.ofSeconds(30), Duration.ofSeconds(20));

    public IkeSettings {
        if (retransmitTries < 0 || retransmitBase < 1 || retransmitTimeout.isNegative() || retransmitTimeout.isZero()) {
            throw new IllegalArgumentException("bad retransmission settings");
        }
    }

    /** From the first transmission of a request until we give up on it. */
    long retransmitGiveUpNanos() {
        long total = 0;
        for (int n = 0; n <= retransmitTries; n++) {
            total += retransmitDelayNanos(n);
        }
        return total;
    }

    /** Nanoseconds until resend number {@code n} (0 = the first wait). */
    long retransmitDelayNanos(int n) {
        return (long) (retransmitTimeout.toNanos() * Math.pow(retransmitBase, n));
    }
}
