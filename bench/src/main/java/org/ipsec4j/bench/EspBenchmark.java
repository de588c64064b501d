package org.ipsec4j.bench;

import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.esp.crypto.AhVerification;
import org.ipsec4j.esp.crypto.AhVerified;
import org.ipsec4j.esp.crypto.DecapsulationResult;
import org.ipsec4j.esp.crypto.Decapsulated;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.replay.ReplayWindow;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv4Packet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ESP encapsulate / decapsulate per transform on a 1400-byte payload, in place, next to the JDK's bare AEAD
 * call on the same bytes with a reused Cipher (init + AAD + doFinal: the floor any ESP implementation on the
 * JDK pays). Decapsulation benchmarks first copy a pristine packet into the work buffer (decryption is in
 * place); {@link #copyPacketOnly} measures that copy alone. Run with {@code -prof gc} for bytes per operation.
 *
 * <pre>
 * bin/mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar EspBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EspBenchmark {

    static final int PAYLOAD = 1400;
    static final int SPI = 0x1000_0001;

    /** One SA's codecs and buffers, per transform. */
    @State(Scope.Thread)
    public static class Sa {
        @Param({"AES_GCM_16_128", "AES_GCM_16_256", "CHACHA20_POLY1305", "AES_CBC_128+HMAC_SHA2_256_128",
                "AES_CBC_256+HMAC_SHA2_512_256", "AES_CBC_128+HMAC_SHA1_96", "NULL+HMAC_SHA2_256_128",
                "TRIPLE_DES_CBC+HMAC_SHA1_96"})
        public String transform;

        EspTransform t;
        EspCodec sender;
        EspCodec receiver;
        byte[] buf;
        byte[] pristine;
        int pristineLength;
        long seq;
        final Decapsulated out = new Decapsulated();
        byte[] encryptionKey;
        byte[] integrityKey;

        @Setup(Level.Trial)
        public void setUp() {
            String[] parts = transform.split("\\+");
            EncryptionAlgorithm enc = EncryptionAlgorithm.valueOf(parts[0]);
            IntegrityAlgorithm integ = parts.length > 1 ? IntegrityAlgorithm.valueOf(parts[1]) : IntegrityAlgorithm.NONE;
            t = EspTransform.of(enc, integ, true);
            Random r = new Random(1);
            encryptionKey = new byte[enc.keyMaterialLength()];
            integrityKey = new byte[integ.keyLength()];
            r.nextBytes(encryptionKey);
            r.nextBytes(integrityKey);
            sender = new EspCodec(t, SPI, false, encryptionKey, integrityKey);
            receiver = new EspCodec(t, SPI, false, encryptionKey, integrityKey);
            buf = new byte[t.headerLength() + PAYLOAD + t.trailerMax()];
            r.nextBytes(buf);
            pristine = buf.clone();
            pristineLength = sender.encapsulate(1, IpProtocol.IPIP, pristine, t.headerLength(), PAYLOAD, pristine, 0);
            seq = 1;
        }

        long nextSequence() {
            if (++seq > 0xFFFF_FFFFL) { // never in a benchmark run, but a new key if it were
                sender = new EspCodec(t, SPI, false, encryptionKey, integrityKey);
                seq = 1;
            }
            return seq;
        }
    }

    @Benchmark
    public int encapsulate(Sa sa) {
        return sa.sender.encapsulate(sa.nextSequence(), IpProtocol.IPIP, sa.buf, sa.t.headerLength(), PAYLOAD, sa.buf, 0);
    }

    @Benchmark
    public DecapsulationResult decapsulate(Sa sa) {
        System.arraycopy(sa.pristine, 0, sa.buf, 0, sa.pristineLength);
        DecapsulationResult r = sa.receiver.decapsulate(1, sa.buf, 0, sa.pristineLength, sa.out);
        if (r != DecapsulationResult.DELIVER) {
            throw new AssertionError(r);
        }
        return r;
    }

    /** The copy every decapsulate benchmark starts with, to subtract. */
    @Benchmark
    public byte[] copyPacketOnly(Sa sa) {
        System.arraycopy(sa.pristine, 0, sa.buf, 0, sa.pristineLength);
        return sa.buf;
    }

    /** The JDK's AEAD on the same bytes ESP encrypts: 8-byte AAD, 1404 bytes of plaintext, 16-byte tag. */
    @State(Scope.Thread)
    public static class BareAead {
        @Param({"AES/GCM/NoPadding", "ChaCha20-Poly1305"})
        public String cipher;

        Cipher c;
        SecretKeySpec key;
        byte[] nonce = new byte[12];
        byte[] buf = new byte[16 + 1404 + 16];
        byte[] pristine;
        long counter;
        boolean gcm;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            gcm = cipher.startsWith("AES");
            c = Cipher.getInstance(cipher);
            byte[] k = new byte[gcm ? 16 : 32];
            new Random(2).nextBytes(k);
            key = new SecretKeySpec(k, gcm ? "AES" : "ChaCha20");
            new Random(3).nextBytes(buf);
            init(Cipher.ENCRYPT_MODE, 0);
            c.updateAAD(buf, 0, 8);
            c.doFinal(buf, 16, 1404, buf, 16);
            pristine = buf.clone();
        }

        void init(int mode, long iv) throws GeneralSecurityException {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (iv >>> (56 - 8 * i));
            }
            c.init(mode, key, gcm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
        }
    }

    @Benchmark
    public int jdkAeadEncrypt(BareAead s) throws GeneralSecurityException {
        s.init(Cipher.ENCRYPT_MODE, ++s.counter);
        s.c.updateAAD(s.buf, 0, 8);
        return s.c.doFinal(s.buf, 16, 1404, s.buf, 16);
    }

    @Benchmark
    public int jdkAeadDecrypt(BareAead s) throws GeneralSecurityException {
        System.arraycopy(s.pristine, 0, s.buf, 0, s.pristine.length);
        s.init(Cipher.DECRYPT_MODE, 0);
        s.c.updateAAD(s.buf, 0, 8);
        return s.c.doFinal(s.buf, 16, 1404 + 16, s.buf, 16);
    }

    /** AH (HMAC-SHA2-256-128) over a 1400-byte IPv4 packet, tunnel layout; verify without touching it. */
    @State(Scope.Thread)
    public static class Ah {
        AhCodec codec;
        byte[] packet;
        final AhVerified out = new AhVerified();
        long seq;

        @Setup(Level.Trial)
        public void setUp() {
            byte[] key = new byte[32];
            new Random(4).nextBytes(key);
            codec = new AhCodec(IntegrityAlgorithm.HMAC_SHA2_256_128, SPI, false, key, false);
            int ahLength = codec.headerLength(4);
            packet = new byte[20 + ahLength + PAYLOAD];
            new Random(5).nextBytes(packet);
            Ipv4Packet.writeHeader(packet, 0, 0, packet.length, 1, true, 64, IpProtocol.AH,
                    Ipv4Packet.parseAddress("192.0.2.1"), Ipv4Packet.parseAddress("192.0.2.2"));
            codec.protect(1, IpProtocol.IPIP, packet, 0, packet.length);
        }
    }

    @Benchmark
    public AhVerification ahVerify(Ah ah) {
        return ah.codec.verify(1, ah.packet, 0, ah.packet.length, ah.out);
    }

    @Benchmark
    public byte[] ahProtect(Ah ah) {
        ah.codec.protect(++ah.seq, IpProtocol.IPIP, ah.packet, 0, ah.packet.length);
        return ah.packet;
    }

    /** A 4096-packet ESN window, traffic slightly reordered. */
    @State(Scope.Thread)
    public static class Window {
        final ReplayWindow window = new ReplayWindow(4096, true);
        long next = 1;
    }

    @Benchmark
    public long replayCheckAndAccept(Window w) {
        long seq = (w.next & 3) == 0 ? w.next + 2 : w.next; // every 4th packet overtakes
        w.next++;
        long r = w.window.check((int) seq);
        if (r > 0) {
            w.window.accept(r);
        }
        return r;
    }
}
