package org.ipsec4j.cli.mtu;

import java.security.SecureRandom;
import java.util.Arrays;

import org.ipsec4j.daemon.net.TunnelMtu;
import org.ipsec4j.esp.crypto.AhCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;

/**
 * The per-packet overhead and the largest inner packet of one transform, mode, encapsulation, outer family and
 * path MTU, computed by the data plane's own code: the largest inner packet is {@link TunnelMtu#largestInnerPacket}
 * (what the daemon sets its TUN device's MTU from) for an outbound SA built with these parameters, and every
 * ESP length is {@link EspTransform#espLength} / {@link EspTransform#maxPayloadLength}. Nothing here repeats
 * their arithmetic.
 *
 * @param ipHeader the outer IP header (20 or 40)
 * @param udpHeader 8 with UDP encapsulation, else 0
 * @param ahHeader the AH header with its ICV and padding (AH only)
 * @param espHeader SPI and sequence number plus IV (ESP only)
 * @param alignment the ciphertext alignment (ESP only)
 * @param trailerMax the most bytes after the payload: padding, pad length, next header, ICV (ESP only)
 * @param icv the ICV bytes (ESP only)
 * @param minOverhead bytes added to an inner packet whose length needs no padding
 * @param maxOverhead bytes added with the most padding
 * @param largestInner the largest inner packet that fits the path MTU (0 if none does)
 * @param outerForLargest the outer packet that largest inner packet becomes
 * @param innerForTable the inner packet length of {@code outerForTableInner} (1500, seed 001's table)
 * @param outerForTableInner the outer packet a 1500-byte inner packet becomes
 */
public record MtuCalculation(TransformName transform, IpsecMode mode, boolean udp, IpFamily family, int pathMtu,
        int ipHeader, int udpHeader, int ahHeader, int espHeader, int ivLength, int alignment, int trailerMax, int icv,
        int minOverhead, int maxOverhead, int largestInner, int outerForLargest, int innerForTable,
        int outerForTableInner) {

    /** Seed 001 §5.6's table: what a 1500-byte packet becomes. */
    public static final int TABLE_INNER = 1500;

    public static MtuCalculation of(TransformName t, IpsecMode mode, boolean udp, IpFamily family, int pathMtu) {
        if (udp && t.transform() == null) {
            throw new IllegalArgumentException("AH cannot be UDP-encapsulated (RFC 3948 covers ESP only)");
        }
        SecurityAssociation sa = outboundSa(t, mode, udp, family);
        int ip = family == IpFamily.IPV4 ? 20 : 40;
        int largest = TunnelMtu.largestInnerPacket(sa, pathMtu);
        if (t.transform() == null) {
            int ah = AhCodec.headerLength(t.ahIntegrity(), family.version());
            int overhead = (mode == IpsecMode.TUNNEL ? ip : 0) + ah;
            return new MtuCalculation(t, mode, false, family, pathMtu, ip, 0, ah, 0, 0, 0, 0, 0, overhead, overhead,
                    Math.max(largest, 0), largest > 0 ? largest + overhead : 0, TABLE_INNER, TABLE_INNER + overhead);
        }
        EspTransform e = t.transform();
        int udpHeader = udp ? 8 : 0;
        int outerForLargest = largest > 0 ? outer(e, mode, ip, udpHeader, largest) : 0;
        // Overhead range: the ESP length of a payload that needs no padding, and of one that needs the most.
        int aligned = e.alignment() * 8 - EspTransform.TRAILER_FIXED_LENGTH;
        int min = e.espLength(aligned) - aligned;
        int max = e.espLength(aligned + 1) - (aligned + 1);
        int fixed = (mode == IpsecMode.TUNNEL ? ip : 0) + udpHeader;
        return new MtuCalculation(t, mode, udp, family, pathMtu, ip, udpHeader, 0, e.headerLength(),
                e.encryption().ivLength(), e.alignment(), e.trailerMax(), e.icvLength(), fixed + min, fixed + max,
                Math.max(largest, 0), outerForLargest, TABLE_INNER, outer(e, mode, ip, udpHeader, TABLE_INNER));
    }

    /** The outer packet an inner packet of this length becomes: [IP][UDP] ESP(payload). */
    private static int outer(EspTransform e, IpsecMode mode, int ip, int udp, int inner) {
        return mode == IpsecMode.TUNNEL ? ip + udp + e.espLength(inner) : ip + udp + e.espLength(inner - ip);
    }

    /** An outbound SA as the daemon would hold, with throw-away random keys: only its sizes are used. */
    private static SecurityAssociation outboundSa(TransformName t, IpsecMode mode, boolean udp, IpFamily family) {
        SecureRandom random = new SecureRandom();
        IpAddress local = IpAddress.parse(family == IpFamily.IPV4 ? "192.0.2.1" : "2001:db8::1");
        IpAddress remote = IpAddress.parse(family == IpFamily.IPV4 ? "192.0.2.2" : "2001:db8::2");
        SecurityAssociation.Builder builder;
        byte[] encryptionKey = null;
        byte[] integrityKey;
        if (t.transform() == null) {
            integrityKey = new byte[t.ahIntegrity().keyLength()];
            random.nextBytes(integrityKey);
            builder = SecurityAssociation.ah(SecurityAssociation.Flow.OUTBOUND, 0x100, t.ahIntegrity(), integrityKey,
                    true);
        } else {
            EspTransform e = t.transform();
            encryptionKey = new byte[e.encryption().keyMaterialLength()];
            random.nextBytes(encryptionKey);
            integrityKey = new byte[e.integrity().keyLength()];
            random.nextBytes(integrityKey);
            builder = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, 0x100, e, encryptionKey,
                    integrityKey.length == 0 ? null : integrityKey);
        }
        SecurityAssociation sa = builder.mode(mode).endpoints(local, remote)
                .udpEncapsulation(udp ? UdpEncapsulation.DEFAULT : null).build();
        if (encryptionKey != null) {
            Arrays.fill(encryptionKey, (byte) 0);
        }
        Arrays.fill(integrityKey, (byte) 0);
        return sa;
    }

    /** Bytes of the path left unused by the largest inner packet (alignment). */
    public int unused() {
        return largestInner > 0 ? pathMtu - outerForLargest : 0;
    }
}
