package org.ipsec4j.linux;

/** The errno values this module acts on (asm-generic/errno-base.h, asm-generic/errno.h; checked with gcc). */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EPROTO = 71;
    static final int EMSGSIZE = 90;
    static final int ENOPROTOOPT = 92;
    static final int EADDRINUSE = 98;
    static final int ENETUNREACH = 101;
    static final int ENOBUFS = 105;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;

    private Errno() {
    }

    /**
     * Whether a receive or send failed only because an ICMP error about an earlier datagram was reported to the
     * socket (udp(7), raw(7): with IP_RECVERR the next call returns it once; the details are in the error queue).
     */
    static boolean isAsynchronousNetworkError(int errno) {
        return switch (errno) {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, EMSGSIZE, EPROTO, ETIMEDOUT -> true;
            default -> false;
        };
    }
}
