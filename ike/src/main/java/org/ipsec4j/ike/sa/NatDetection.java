package org.ipsec4j.ike.sa;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;

/**
 * NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP | port).
 * A hash that does not match the address the packet really carried means a NAT rewrote it. Public for the
 * capture analysis, which recomputes the hashes of messages it sees.
 */
public final class NatDetection {

    private NatDetection() {
    }

    static byte[] hash(long spiI, long spiR, Endpoint e) {
        return hash(spiI, spiR, e.address().toBytes(), e.port());
    }

    /**
     * The NAT_DETECTION hash of an address (4 or 16 bytes, network order) and port; in an IKE_SA_INIT request
     * {@code spiR} is 0.
     */
    public static byte[] hash(long spiI, long spiR, byte[] address, int port) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] spis = new byte[16];
            for (int i = 0; i < 8; i++) {
                spis[i] = (byte) (spiI >>> (56 - 8 * i));
                spis[8 + i] = (byte) (spiR >>> (56 - 8 * i));
            }
            sha1.update(spis);
            sha1.update(address);
            sha1.update(new byte[] {(byte) (port >>> 8), (byte) port});
            return sha1.digest();
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 missing from the JDK", ex);
        }
    }

    static NotifyPayload source(long spiI, long spiR, Endpoint local, boolean fake, java.util.Random random) {
        byte[] h = hash(spiI, spiR, local);
        if (fake) {
            // encap = yes: a hash that matches nothing makes the peer believe we are behind a NAT (RFC 7296 §2.23).
            random.nextBytes(h);
        }
        return new NotifyPayload(0, new byte[0], NotifyType.NAT_DETECTION_SOURCE_IP, h);
    }

    static NotifyPayload destination(long spiI, long spiR, Endpoint remote) {
        return new NotifyPayload(0, new byte[0], NotifyType.NAT_DETECTION_DESTINATION_IP, hash(spiI, spiR, remote));
    }
}
