package org.ipsec4j.diag.analyze;

import java.util.List;

/**
 * One conclusion of the analysis.
 *
 * @param id          a stable identifier, e.g. {@code ike-no-response}, for scripts and documentation
 * @param severity    how bad it is
 * @param summary     one sentence: what happened, with addresses, SPIs and counts
 * @param packets     packet numbers (1-based, in capture order) that prove it, at most
 *                    {@link #MAX_PACKETS}, ascending
 * @param morePackets how many more packets prove it than are listed
 * @param cause       the likely cause
 * @param fix         what to do about it
 */
public record Finding(String id, Severity severity, String summary, List<Long> packets, long morePackets,
        String cause, String fix) {

    public static final int MAX_PACKETS = 24;

    public Finding {
        packets = List.copyOf(packets);
    }

    /** A finding whose evidence is any collection of packet numbers: sorted, deduplicated and cut to the cap. */
    public static Finding of(String id, Severity severity, String summary, java.util.Collection<Long> evidence,
            String cause, String fix) {
        java.util.TreeSet<Long> sorted = new java.util.TreeSet<>(evidence);
        List<Long> listed = sorted.stream().limit(MAX_PACKETS).toList();
        return new Finding(id, severity, summary, listed, sorted.size() - listed.size(), cause, fix);
    }
}
