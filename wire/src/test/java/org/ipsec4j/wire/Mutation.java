package org.ipsec4j.wire;

import java.util.List;

/**
 * Mutates valid packets for the "garbage in, only MalformedPacketException out" properties: flips bytes,
 * overwrites bytes with chosen values, and truncates.
 */
record Mutation(List<Integer> positions, List<Byte> values, int truncateTo) {

    byte[] apply(byte[] valid) {
        byte[] b = valid.clone();
        if (b.length > 0) {
            for (int i = 0; i < positions.size(); i++) {
                int p = Math.floorMod(positions.get(i), b.length);
                b[p] = values.get(i % values.size());
            }
        }
        int len = Math.floorMod(truncateTo, b.length + 1);
        return java.util.Arrays.copyOf(b, len);
    }

    /** Runs a parse and lets only MalformedPacketException through (as a pass); anything else fails. */
    static void expectOnlyMalformed(Runnable parse) {
        try {
            parse.run();
        } catch (MalformedPacketException expected) {
            // counted and dropped on the packet path
        }
    }
}
