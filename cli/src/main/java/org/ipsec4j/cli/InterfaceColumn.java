package org.ipsec4j.cli;

/**
 * Whether each summary line names the interface its packet was captured on, and how. A capture of one
 * interface shows none; a pcapng file with packets on several interfaces shows the interface's name (or
 * {@code if N} when it has none); a Linux cooked v2 capture ({@code tcpdump -i any}) whose packets come from
 * several interfaces shows {@code ifindex N}. Both apply when a pcapng file holds such a capture among others.
 *
 * @param byCaptureInterface packets lie on more than one pcapng interface
 * @param byIfIndex          Linux cooked v2 headers name more than one interface index
 */
record InterfaceColumn(boolean byCaptureInterface, boolean byIfIndex) {

    static final InterfaceColumn NONE = new InterfaceColumn(false, false);

    boolean shown() {
        return byCaptureInterface || byIfIndex;
    }
}
