package org.ipsec4j.bench.ike;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap per established IKE SA with two Child SAs, both ends' engines and data planes in one JVM: establishes
 * N IKE SAs (each IKE_SA_INIT + IKE_AUTH + one CREATE_CHILD_SA), forces GC and divides the growth of the used
 * heap by N — so each figure covers one initiator-side and one responder-side IKE SA with their Child SAs,
 * ESP SAs and policies.
 *
 * <pre>
 * bin/mvn -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar org.ipsec4j.bench.ike.IkeSaFootprint 2000
 * </pre>
 */
public final class IkeSaFootprint {

    private IkeSaFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        InMemoryPeers warm = new InMemoryPeers(31, 2);
        for (int i = 0; i < 200; i++) {
            warm.handshake(2);
            warm.deleteAll();
        }
        // One engine pair per IKE SA: initiate() reuses an established SA of the same connection.
        InMemoryPeers[] pairs = new InMemoryPeers[n];
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long before = used(mem);
        for (int i = 0; i < n; i++) {
            pairs[i] = new InMemoryPeers(31, 2);
        }
        long enginesOnly = used(mem);
        for (int i = 0; i < n; i++) {
            pairs[i].handshake(2);
            if (pairs[i].initiator.status().size() != 1 || pairs[i].initiator.status().get(0).children().size() != 2) {
                throw new IllegalStateException("handshake " + i + " did not give one IKE SA with two children: "
                        + pairs[i].initiator.status());
            }
        }
        long established = used(mem);
        long baseline = enginesOnly - before;
        System.out.printf("%d IKE SA pairs (initiator + responder), 2 Child SAs each%n", n);
        System.out.printf("engines and data planes alone: %.0f bytes per pair%n", (double) baseline / n);
        System.out.printf("established state: %.0f bytes per IKE SA pair (both ends), %.0f bytes per end%n",
                (double) (established - enginesOnly) / n, (double) (established - enginesOnly) / n / 2);
    }

    private static long used(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
