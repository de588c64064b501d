package org.ipsec4j.ike.sa;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target: arbitrary and mutated IKE datagrams thrown at two engines mid-handshake and with an
 * established tunnel ({@link ArbitraryDatagrams} describes the input). No exception may escape
 * {@link IkeEngine#receive} and the tunnel must keep working. Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/org/ipsec4j/ike/sa/IkeEngineFuzzTestInputs/datagrams/}; {@code scripts/fuzz}
 * fuzzes.
 */
class IkeEngineFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void datagrams(byte[] input) {
        ArbitraryDatagrams.feed(input);
    }
}
