package org.ipsec4j.wire.frag;

/**
 * A packet larger than the MTU that must not or cannot be fragmented. The caller answers the sender instead,
 * e.g. with ICMP "fragmentation needed" (RFC 792, RFC 1191) carrying {@link #mtu()}.
 *
 * <p>No stack trace is captured: refusing is an expected event on the packet path.
 */
public final class FragmentationRefusedException extends RuntimeException {

    /** Why the packet was not fragmented. */
    public enum Reason {
        /** IPv4 with Don't Fragment set (RFC 791 §3.2): send ICMP type 3 code 4 with the MTU instead. */
        DONT_FRAGMENT,
        /**
         * The headers that every fragment repeats (or that the first fragment must carry whole, RFC 7112) leave
         * no room for 8 bytes of data under the MTU.
         */
        HEADERS_EXCEED_MTU,
        /** IPv6 packet that already carries a fragment header: only the source fragments (RFC 8200 §4.5). */
        ALREADY_FRAGMENTED,
    }

    private final Reason reason;
    private final int mtu;

    public FragmentationRefusedException(Reason reason, int mtu, String message) {
        super(reason + " (mtu " + mtu + "): " + message, null, false, false);
        this.reason = reason;
        this.mtu = mtu;
    }

    public Reason reason() {
        return reason;
    }

    /** The MTU the packet did not fit. */
    public int mtu() {
        return mtu;
    }
}
