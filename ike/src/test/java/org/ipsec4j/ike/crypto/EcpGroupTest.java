package org.ipsec4j.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.spec.ECPoint;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** ECP groups 19 and 20: the RFC 5903 §8 test values, the x | y encoding, and the point checks of RFC 6989 §2.3. */
class EcpGroupTest {

    /** RFC 5903 §8.1 (group 19) and §8.2 (group 20): i, g^i, r, g^r, and the shared secret (x of g^ir). */
    record Vector(DhGroup group, String i, String gix, String giy, String r, String grx, String gry, String girx) {
        @Override
        public String toString() {
            return "RFC 5903 " + (group == DhGroup.ECP_256 ? "§8.1" : "§8.2");
        }
    }

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector(DhGroup.ECP_256,
                        "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
                        "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
                        "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
                        "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
                        "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
                        "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
                        "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"),
                new Vector(DhGroup.ECP_384,
                        "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
                                + "E35B5380 41E649EE 3FAEF896 783AB194",
                        "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
                                + "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
                        "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
                                + "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
                        "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
                                + "E0308312 916B8ED2 960E4BD5 5A7448FC",
                        "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
                                + "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
                        "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
                                + "F83FA401 42209DFF 5EAAD96D B9E6386C",
                        "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
                                + "D6031355 69B9E9D0 9CF5D4A2 70F59746"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void bothSidesComputeTheRfcSharedSecret(Vector v) throws Exception {
        DhKeyPair initiator = DhTestKeys.ecp(v.group(), v.i(), v.gix(), v.giy());
        DhKeyPair responder = DhTestKeys.ecp(v.group(), v.r(), v.grx(), v.gry());
        assertArrayEquals(Hex.bytes(v.girx()), initiator.sharedSecret(Hex.bytes(v.grx() + v.gry())));
        assertArrayEquals(Hex.bytes(v.girx()), responder.sharedSecret(Hex.bytes(v.gix() + v.giy())));
        // RFC 5903 §7: the KE data is x | y.
        assertArrayEquals(Hex.bytes(v.gix() + v.giy()), initiator.publicValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void thePrivateValueTimesTheGeneratorIsTheRfcPublicValue(Vector v) throws Exception {
        // An ECDH with the generator as the peer's point yields the x coordinate of i * G.
        DhKeyPair initiator = DhTestKeys.ecp(v.group(), v.i(), v.gix(), v.giy());
        assertArrayEquals(Hex.bytes(v.gix()), initiator.sharedSecret(encode(v.group(), v.group().ecParameters().getGenerator())));
        // And the encoding of a JDK public key is x | y, padded.
        java.security.PublicKey jdkKey = java.security.KeyFactory.getInstance("EC").generatePublic(
                new java.security.spec.ECPublicKeySpec(new ECPoint(new BigInteger(1, Hex.bytes(v.gix())),
                        new BigInteger(1, Hex.bytes(v.giy()))), v.group().ecParameters()));
        assertArrayEquals(Hex.bytes(v.gix() + v.giy()), DhKeyPair.encodePublic(v.group(), jdkKey));
    }

    @ParameterizedTest
    @EnumSource(value = DhGroup.class, names = {"ECP_256", "ECP_384"})
    void refusesPointsOffTheCurveAndOutsideTheField(DhGroup group) throws Exception {
        DhKeyPair pair = group.generate(new SecureRandom());
        byte[] good = group.generate(new SecureRandom()).publicValue();
        int n = group.sharedSecretLength();
        BigInteger p = group.ecFieldPrime();
        BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(good, 0, n));
        BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(good, n, 2 * n));

        byte[] offCurve = good.clone();
        offCurve[2 * n - 1] ^= 1;
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(offCurve));
        // The point at infinity has no x | y form; the all-zero value, (0, 0), is not on the curve.
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(new byte[2 * n]));
        // Coordinates that are not field elements.
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(encode(group, p, y)));
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(encode(group, x, p)));
        byte[] ones = new byte[2 * n];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertThrows(InvalidKeyExchangeException.class, () -> pair.sharedSecret(ones));

        // Our own checks, without the JDK: x + p is the same residue but not a field element.
        DhKeyPair.checkEcpPoint(group, x, y);
        DhKeyPair.checkEcpPoint(group, x, p.subtract(y)); // -P is on the curve too
        assertThrows(InvalidKeyExchangeException.class, () -> DhKeyPair.checkEcpPoint(group, x.add(p), y));
        assertThrows(InvalidKeyExchangeException.class, () -> DhKeyPair.checkEcpPoint(group, x, y.add(p)));
        assertThrows(InvalidKeyExchangeException.class, () -> DhKeyPair.checkEcpPoint(group, x, y.add(BigInteger.ONE)));
        assertThrows(InvalidKeyExchangeException.class,
                () -> DhKeyPair.checkEcpPoint(group, BigInteger.ZERO, BigInteger.ZERO));
    }

    private static byte[] encode(DhGroup group, ECPoint point) {
        return encode(group, point.getAffineX(), point.getAffineY());
    }

    private static byte[] encode(DhGroup group, BigInteger x, BigInteger y) {
        int n = group.sharedSecretLength();
        return Bytes.concat(Bytes.unsignedFixed(x, n), Bytes.unsignedFixed(y, n));
    }
}
