package org.ipsec4j.linux;

/**
 * Kernel ABI numbers shared by several classes, as in the uapi headers named beside them (values checked by
 * compiling a small C program against this machine's headers with gcc).
 */
final class LinuxConstants {
    // <asm-generic/fcntl.h>
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    // <sys/eventfd.h>
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    // <sched.h>
    static final int CLONE_NEWNET = 0x40000000;
    // <poll.h>
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLNVAL = 0x20;

    // <bits/socket.h>, <linux/socket.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;

    // socket option levels
    static final int SOL_SOCKET = 1;
    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int SOL_UDP = 17;
    static final int SOL_NETLINK = 270;

    // <asm-generic/socket.h>
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_MARK = 36;

    // <linux/in.h>
    static final int IP_TOS = 1;
    static final int IP_HDRINCL = 3;
    static final int IP_PKTINFO = 8;
    static final int IP_MTU_DISCOVER = 10;
    static final int IP_RECVERR = 11;
    static final int IP_MTU = 14;
    static final int IP_RECVTOS = 13;

    // <linux/in6.h>
    static final int IPV6_MTU_DISCOVER = 23;
    static final int IPV6_MTU = 24;
    static final int IPV6_RECVERR = 25;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_HDRINCL = 36;
    static final int IPV6_RECVTCLASS = 66;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_TCLASS = 67;

    // <linux/udp.h>
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;

    // <linux/errqueue.h>
    static final int SO_EE_ORIGIN_LOCAL = 1;
    static final int SO_EE_ORIGIN_ICMP = 2;
    static final int SO_EE_ORIGIN_ICMP6 = 3;

    private LinuxConstants() {
    }
}
