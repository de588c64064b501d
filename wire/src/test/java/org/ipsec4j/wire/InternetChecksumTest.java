package org.ipsec4j.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InternetChecksumTest {

    /** The often-quoted example IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) with checksum 0xb861. */
    static final byte[] CLASSIC_HEADER = Hex.bytes("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");

    @Test
    void classicIpv4HeaderChecksumIsB861() {
        byte[] h = CLASSIC_HEADER.clone();
        assertEquals(0, InternetChecksum.compute(h, 0, 20), "a correct header sums to 0xFFFF");
        h[10] = 0;
        h[11] = 0;
        assertEquals(0xb861, InternetChecksum.compute(h, 0, 20));
    }

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2, checksum ~ddf2 = 220d.
        byte[] b = Hex.bytes("0001 f203 f4f5 f6f7");
        assertEquals(0xddf2, InternetChecksum.sum(b, 0, 8, 0));
        assertEquals(0x220d, InternetChecksum.compute(b, 0, 8));
    }

    @Test
    void oddTrailingByteIsPaddedWithZero() {
        byte[] b = Hex.bytes("0102 03");
        assertEquals(0x0102 + 0x0300, InternetChecksum.sum(b, 0, 3, 0));
    }

    @Test
    void rfc1624IncrementalUpdateExample() {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285; eqn. 3 gives 0x0000 (eqn. 2 would give 0xFFFF).
        assertEquals(0x0000, InternetChecksum.adjust(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void chainedPartialSumsEqualOneSum() {
        byte[] h = CLASSIC_HEADER.clone();
        int s = InternetChecksum.sum(h, 0, 8, 0);
        s = InternetChecksum.sum(h, 8, 12, s);
        assertEquals(InternetChecksum.sum(h, 0, 20, 0), s);
    }

    @Test
    void pseudoHeaderV4MatchesExplicitBytes() {
        byte[] h = CLASSIC_HEADER.clone();
        byte[] pseudo = Hex.bytes("c0a8 0001 c0a8 00c7 0011 005f");
        assertEquals(InternetChecksum.sum(pseudo, 0, 12, 0),
                InternetChecksum.pseudoHeaderSumV4(h, 12, 16, 17, 0x5f));
    }

    @Test
    void pseudoHeaderV6MatchesExplicitBytes() {
        byte[] src = Ipv6Packet.parseAddress("2001:db8::1");
        byte[] dst = Ipv6Packet.parseAddress("2001:db8:ffff::2");
        byte[] both = new byte[32];
        System.arraycopy(src, 0, both, 0, 16);
        System.arraycopy(dst, 0, both, 16, 16);
        byte[] pseudo = new byte[40];
        System.arraycopy(both, 0, pseudo, 0, 32);
        pseudo[33] = 0x01; // upper-layer length 0x00012345
        pseudo[34] = 0x23;
        pseudo[35] = 0x45;
        pseudo[39] = 58;
        assertEquals(InternetChecksum.sum(pseudo, 0, 40, 0),
                InternetChecksum.pseudoHeaderSumV6(both, 0, 16, 58, 0x12345));
    }

    /** The pseudo-header sums read addresses as whole words; they must equal a sum over the explicit bytes. */
    @Property
    void pseudoHeaderSumsEqualSumsOfExplicitBytes(@ForAll @Size(min = 48, max = 48) byte[] data,
                                                  @ForAll @IntRange(max = 16) int srcOff,
                                                  @ForAll @IntRange(max = 16) int dstOff,
                                                  @ForAll @IntRange(max = 255) int protocol,
                                                  @ForAll int upperLength) {
        byte[] v4 = new byte[12];
        System.arraycopy(data, srcOff, v4, 0, 4);
        System.arraycopy(data, dstOff, v4, 4, 4);
        v4[9] = (byte) protocol;
        v4[10] = (byte) (upperLength >>> 8);
        v4[11] = (byte) upperLength;
        assertEquals(referenceSum(v4, 0, 12),
                InternetChecksum.pseudoHeaderSumV4(data, srcOff, dstOff, protocol, upperLength & 0xFFFF));
        byte[] v6 = new byte[40];
        System.arraycopy(data, srcOff, v6, 0, 16);
        System.arraycopy(data, dstOff, v6, 16, 16);
        v6[32] = (byte) (upperLength >>> 24);
        v6[33] = (byte) (upperLength >>> 16);
        v6[34] = (byte) (upperLength >>> 8);
        v6[35] = (byte) upperLength;
        v6[39] = (byte) protocol;
        assertEquals(referenceSum(v6, 0, 40),
                InternetChecksum.pseudoHeaderSumV6(data, srcOff, dstOff, protocol, upperLength));
    }

    /** Straightforward RFC 1071 reference: 16-bit words, end-around carry. */
    static int referenceSum(byte[] b, int off, int len) {
        long acc = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            acc += (hi << 8) | lo;
        }
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    @Property
    void fastSumEqualsReference(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 16) int skip) {
        int off = Math.min(skip, data.length);
        int len = data.length - off;
        assertEquals(referenceSum(data, off, len), InternetChecksum.sum(data, off, len, 0));
    }

    /** Lengths on both sides of the point where sum switches to its separate bulk loop, chained on a partial sum. */
    @Property
    void sumAroundTheBulkLengthEqualsReference(@ForAll @Size(min = 40, max = 160) byte[] data,
                                               @ForAll @IntRange(max = 7) int skip,
                                               @ForAll @IntRange(max = 0xFFFF) int initialSum) {
        int len = data.length - skip;
        long expected = (long) initialSum + referenceSum(data, skip, len);
        while ((expected >>> 16) != 0) {
            expected = (expected & 0xFFFF) + (expected >>> 16);
        }
        assertEquals(expected, InternetChecksum.sum(data, skip, len, initialSum));
    }

    @Property
    void fastSumOfAllOnesBytes(@ForAll @IntRange(max = 2000) int len) {
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, (byte) 0xFF);
        assertEquals(referenceSum(b, 0, len), InternetChecksum.sum(b, 0, len, 0));
    }

    @Property
    void incrementalUpdateEqualsFullRecompute(@ForAll("evenData") byte[] data, @ForAll int wordIndex,
                                              @ForAll @IntRange(max = 0xFFFF) int newWord) {
        // data[0..1] holds the checksum over the whole array, as in a header.
        data[0] = 0;
        data[1] = 0;
        int ck = InternetChecksum.compute(data, 0, data.length);
        data[0] = (byte) (ck >>> 8);
        data[1] = (byte) ck;
        int w = 1 + Math.floorMod(wordIndex, data.length / 2 - 1);
        int oldWord = ((data[2 * w] & 0xFF) << 8) | (data[2 * w + 1] & 0xFF);
        data[2 * w] = (byte) (newWord >>> 8);
        data[2 * w + 1] = (byte) newWord;
        int adjusted = InternetChecksum.adjust(ck, oldWord, newWord);
        data[0] = 0;
        data[1] = 0;
        int full = InternetChecksum.compute(data, 0, data.length);
        // Ones' complement has two zeros (0x0000, 0xFFFF): compare modulo that.
        assertEquals(full == 0xFFFF ? 0 : full, adjusted == 0xFFFF ? 0 : adjusted);
    }

    @Property
    void incrementalUpdate32EqualsFullRecompute(@ForAll("evenData") byte[] data, @ForAll int newValue) {
        if (data.length < 6) {
            return;
        }
        data[0] = 0;
        data[1] = 0;
        int ck = InternetChecksum.compute(data, 0, data.length);
        int oldValue = BigEndian.i32(data, 2);
        BigEndian.put32(data, 2, newValue);
        int adjusted = InternetChecksum.adjust32(ck, oldValue, newValue);
        int full = InternetChecksum.compute(data, 0, data.length);
        assertEquals(full == 0xFFFF ? 0 : full, adjusted == 0xFFFF ? 0 : adjusted);
    }

    @Provide
    Arbitrary<byte[]> evenData() {
        return Arbitraries.integers().between(2, 40).flatMap(n ->
                Arbitraries.bytes().array(byte[].class).ofSize(2 * n));
    }
}
