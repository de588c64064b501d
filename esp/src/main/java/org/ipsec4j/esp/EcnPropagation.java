package org.ipsec4j.esp;

/**
 * ECN across the tunnel as RFC 6040 specifies for IP-in-IP (and so for IPsec tunnel mode, which it updates).
 * Codepoints: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE.
 */
public final class EcnPropagation {

    public static final int NOT_ECT = 0;
    public static final int ECT_1 = 1;
    public static final int ECT_0 = 2;
    public static final int CE = 3;
    /** {@link #decapsulate} result: the packet must be dropped. */
    public static final int DROP = -1;

    private EcnPropagation() {}

    /** RFC 6040 §4.1, normal mode: the outer header gets a copy of the inner ECN field, CE included. */
    public static int encapsulate(int innerEcn) {
        return innerEcn & 3;
    }

    /**
     * RFC 6040 §4.2, Figure 4: the ECN field the inner header leaves the tunnel with, or {@link #DROP}.
     * <pre>
     *   inner \ outer  Not-ECT  ECT(0)   ECT(1)   CE
     *   Not-ECT        Not-ECT  Not-ECT  Not-ECT  drop
     *   ECT(0)         ECT(0)   ECT(0)   ECT(1)   CE
     *   ECT(1)         ECT(1)   ECT(1)   ECT(1)   CE
     *   CE             CE       CE       CE       CE
     * </pre>
     */
    public static int decapsulate(int innerEcn, int outerEcn) {
        int inner = innerEcn & 3;
        int outer = outerEcn & 3;
        if (inner == NOT_ECT) {
            // A Not-ECT transport relies on drops; it must never see another codepoint.
            return outer == CE ? DROP : NOT_ECT;
        }
        if (outer == CE) {
            return CE;
        }
        if (outer == ECT_1 && inner == ECT_0) {
            return ECT_1;
        }
        return inner;
    }
}
