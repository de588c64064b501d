package org.ipsec4j.bench.ike;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.crypto.DhKeyPair;
import org.ipsec4j.ike.crypto.InvalidKeyExchangeException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full IKEv2 handshakes (IKE_SA_INIT + IKE_AUTH with the first Child SA, PSK) per second, both peers on one
 * thread in memory, deleted again each time (INFORMATIONAL) — next to the bare DH operations a handshake
 * needs (each side generates a key pair and derives the shared secret: two of each per handshake).
 *
 * <pre>
 * bin/mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar IkeHandshakeBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IkeHandshakeBenchmark {

    @State(Scope.Thread)
    public static class Peers {
        @Param({"31", "19"})
        public int dhGroup;

        InMemoryPeers peers;

        @Setup
        public void setup() {
            peers = new InMemoryPeers(dhGroup, 1);
        }
    }

    @State(Scope.Thread)
    public static class Dh {
        @Param({"CURVE25519", "ECP_256"})
        public String group;

        DhGroup g;
        SecureRandom random = new SecureRandom();
        byte[] peerPublic;

        @Setup
        public void setup() {
            g = DhGroup.valueOf(group);
            peerPublic = g.generate(random).publicValue();
        }
    }

    /** Handshake + delete: the engines end empty, ready for the next one. */
    @Benchmark
    public int handshakeAndDelete(Peers p) {
        int n = p.peers.handshake(1);
        p.peers.deleteAll();
        return n;
    }

    /** One side's DH work: generate a key pair and derive the shared secret. */
    @Benchmark
    public byte[] dhGenerateAndDerive(Dh d) throws InvalidKeyExchangeException {
        DhKeyPair k = d.g.generate(d.random);
        byte[] s = k.sharedSecret(d.peerPublic);
        k.destroy();
        return s;
    }
}
