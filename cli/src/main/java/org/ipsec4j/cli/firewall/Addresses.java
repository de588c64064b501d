package org.ipsec4j.cli.firewall;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as people write them: IPv6 compressed per RFC 5952 (2001:db8::1, not 2001:db8:0:0:0:0:0:1). */
final class Addresses {

    private Addresses() {
    }

    static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (b[2 * i] & 0xFF) << 8 | b[2 * i + 1] & 0xFF;
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength && j - i >= 2) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(words[i]));
        }
        return out.toString();
    }

    static boolean isMulticast(InetAddress address) {
        return address.isMulticastAddress();
    }

    /** The solicited-node multicast address of an IPv6 address (RFC 4291 §2.7.1): ff02::1:ffXX:XXXX. */
    static InetAddress solicitedNode(InetAddress address) {
        byte[] b = address.getAddress();
        byte[] out = new byte[16];
        out[0] = (byte) 0xff;
        out[1] = 0x02;
        out[11] = 0x01;
        out[12] = (byte) 0xff;
        out[13] = b[13];
        out[14] = b[14];
        out[15] = b[15];
        try {
            return InetAddress.getByAddress(out);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
