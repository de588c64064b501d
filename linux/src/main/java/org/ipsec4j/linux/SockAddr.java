package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code struct sockaddr_in} (16 bytes: family, port, address, zero) and {@code struct sockaddr_in6} (28
 * bytes: family, port, flow info, address, scope id) from linux/in.h and linux/in6.h. The family is in host
 * byte order, port and address in network byte order.
 */
final class SockAddr {

    static final int IPV4_LENGTH = 16;
    static final int IPV6_LENGTH = 28;
    /** Room for either. */
    static final int MAX_LENGTH = IPV6_LENGTH;

    private SockAddr() {
    }

    static byte[] encode(InetAddress address, int port) {
        byte[] raw = address.getAddress();
        boolean v4 = raw.length == 4;
        byte[] out = new byte[v4 ? IPV4_LENGTH : IPV6_LENGTH];
        MemorySegment segment = MemorySegment.ofArray(out);
        segment.set(JAVA_SHORT_UNALIGNED, 0, (short) (v4 ? LinuxConstants.AF_INET : LinuxConstants.AF_INET6));
        out[2] = (byte) (port >>> 8);
        out[3] = (byte) port;
        if (v4) {
            System.arraycopy(raw, 0, out, 4, 4);
        } else {
            System.arraycopy(raw, 0, out, 8, 16);
            int scope = address instanceof Inet6Address v6 ? v6.getScopeId() : 0;
            segment.set(JAVA_INT_UNALIGNED, 24, scope);
        }
        return out;
    }

    static int family(MemorySegment sockaddr, long offset) {
        return sockaddr.get(JAVA_SHORT_UNALIGNED, offset);
    }

    static int port(MemorySegment sockaddr, long offset) {
        return (sockaddr.get(JAVA_BYTE, offset + 2) & 0xFF) << 8 | sockaddr.get(JAVA_BYTE, offset + 3) & 0xFF;
    }

    /** Offset of the address bytes within the sockaddr: 4 (IPv4) or 8 (IPv6). */
    static int addressOffset(int family) {
        return family == LinuxConstants.AF_INET ? 4 : 8;
    }

    static int addressLength(int family) {
        return family == LinuxConstants.AF_INET ? 4 : 16;
    }

    /** Decodes a sockaddr_in or sockaddr_in6; null for any other family (e.g. AF_UNSPEC: no address). */
    static SocketEndpoint decode(MemorySegment sockaddr, long offset) {
        int family = family(sockaddr, offset);
        if (family != LinuxConstants.AF_INET && family != LinuxConstants.AF_INET6) {
            return null;
        }
        return SocketEndpoint.of(address(sockaddr, offset), port(sockaddr, offset));
    }

    /** The address of a sockaddr_in or sockaddr_in6 (with its scope id); null for other families. */
    static InetAddress address(MemorySegment sockaddr, long offset) {
        int family = family(sockaddr, offset);
        if (family != LinuxConstants.AF_INET && family != LinuxConstants.AF_INET6) {
            return null;
        }
        byte[] raw = sockaddr.asSlice(offset + addressOffset(family), addressLength(family)).toArray(JAVA_BYTE);
        try {
            if (family == LinuxConstants.AF_INET) {
                return InetAddress.getByAddress(raw);
            }
            int scope = sockaddr.get(JAVA_INT_UNALIGNED, offset + 24);
            return scope != 0 ? Inet6Address.getByAddress(null, raw, scope) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 address bytes are always valid", e);
        }
    }

    /** Raw 4- or 16-byte address as an InetAddress (no DNS). */
    static InetAddress rawAddress(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 address bytes are always valid", e);
        }
    }
}
