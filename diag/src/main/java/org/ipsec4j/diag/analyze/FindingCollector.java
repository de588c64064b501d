package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects findings, at most {@link #MAX_PER_ID} of each id (a capture of a thousand failing IKE SAs says so
 * once per SA up to the cap, then counts the rest).
 */
final class FindingCollector {

    static final int MAX_PER_ID = 50;

    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, Integer> countById = new HashMap<>();
    private final Map<String, Integer> suppressedById = new HashMap<>();

    void add(Finding finding) {
        int count = countById.merge(finding.id(), 1, Integer::sum);
        if (count > MAX_PER_ID) {
            suppressedById.merge(finding.id(), 1, Integer::sum);
        } else {
            findings.add(finding);
        }
    }

    /** Worst first, then by the first packet that proves them. */
    List<Finding> sorted() {
        List<Finding> out = new ArrayList<>(findings);
        out.sort(Comparator.comparing(Finding::severity).reversed()
                .thenComparingLong(f -> f.packets().isEmpty() ? Long.MAX_VALUE : f.packets().getFirst())
                .thenComparing(Finding::id));
        return out;
    }

    /** How many findings of each id were counted but not kept. */
    Map<String, Integer> suppressed() {
        return Map.copyOf(suppressedById);
    }
}
