package org.ipsec4j.ike.sa;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The {@link IkeEngineFuzzTest} harness under jqwik's random inputs, so every test run throws a few hundred
 * arbitrary and mutated datagrams at the engines without a fuzzing session.
 */
class ArbitraryDatagramsProperties {

    @Property(tries = 150)
    void arbitraryDatagramsNeitherEscapeNorBreakTheTunnel(@ForAll @Size(max = 300) byte[] input) {
        ArbitraryDatagrams.feed(input);
    }

    /** Mostly edits of real messages: the first bytes pick a phase and captured bases, few edits each. */
    @Property(tries = 150)
    void mutatedMessagesNeitherEscapeNorBreakTheTunnel(@ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] input = new byte[64];
        r.nextBytes(input);
        for (int i = 2; i < 12; i += 5) {
            input[i] |= 1; // a captured base, not random bytes
            input[i] &= (byte) 0xFD;
            input[i + 3] = (byte) (r.nextInt(3) + 1); // one to three edits
        }
        ArbitraryDatagrams.feed(input);
    }
}
