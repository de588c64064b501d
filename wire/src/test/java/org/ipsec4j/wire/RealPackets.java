package org.ipsec4j.wire;

/**
 * Packets written by a real stack: Linux 6.18 between two network namespaces joined by a veth pair with
 * transmit checksum offload turned off (so every checksum is complete), captured with tcpdump. tshark
 * decoded each one and reported all IP, UDP, TCP, ICMP and ICMPv6 checksums good. Host 10.99.0.1 /
 * fd00:99::1 sent; 10.99.0.2 / fd00:99::2 answered. Link-layer headers are stripped.
 */
final class RealPackets {
    private RealPackets() {}

    /** UDP 10.99.0.1:40000 -> 10.99.0.2:5353, payload "hello ipsec4j". */
    static final String UDP_V4 = """
            4500 0029 dfc7 4000 4011 4634 0a63 0001
            0a63 0002 9c40 14e9 0015 4bd5 6865 6c6c
            6f20 6970 7365 6334 6a""";

    /** ICMP port unreachable from 10.99.0.2 quoting UDP 10.99.0.1:40000 -> :5354 "nobody home". */
    static final String ICMP_PORT_UNREACHABLE_V4 = """
            45c0 0043 901c 0000 4001 d515 0a63 0002
            0a63 0001 0303 11ea 0000 0000 4500 0027
            dfc9 4000 4011 4634 0a63 0001 0a63 0002
            9c40 14ea 0013 0fa7 6e6f 626f 6479 2068
            6f6d 65""";

    /** UDP [fd00:99::1]:40000 -> [fd00:99::2]:5353, payload "hello ipsec4j", flow label 0x40722. */
    static final String UDP_V6 = """
            6004 0722 0015 1140 fd00 0099 0000 0000
            0000 0000 0000 0001 fd00 0099 0000 0000
            0000 0000 0000 0002 9c40 14e9 0015 6567
            6865 6c6c 6f20 6970 7365 6334 6a""";

    /** ICMPv6 port unreachable from fd00:99::2 quoting UDP [fd00:99::1]:40000 -> :5354. */
    static final String ICMPV6_PORT_UNREACHABLE = """
            6008 08e3 0043 3a40 fd00 0099 0000 0000
            0000 0000 0000 0002 fd00 0099 0000 0000
            0000 0000 0000 0001 0104 bece 0000 0000
            600c d33d 0013 1140 fd00 0099 0000 0000
            0000 0000 0000 0001 fd00 0099 0000 0000
            0000 0000 0000 0002 9c40 14ea 0013 2939
            6e6f 626f 6479 2068 6f6d 65""";

    /** TCP SYN 10.99.0.1:39174 -> :8080, MSS 1460, SACK permitted, timestamps, NOP, window scale 10. */
    static final String TCP_SYN_V4 = """
            4500 003c 81bc 4000 4006 a437 0a63 0001
            0a63 0002 9906 1f90 db95 7c03 0000 0000
            a002 faf0 ae8e 0000 0204 05b4 0402 080a
            37c0 41c5 0000 0000 0103 030a""";

    /** TCP PSH+ACK 10.99.0.1:39174 -> :8080 carrying "GET", NOP NOP timestamps. */
    static final String TCP_DATA_V4 = """
            4500 0037 81be 4000 4006 a43a 0a63 0001
            0a63 0002 9906 1f90 db95 7c04 07ce 4945
            8018 003f 7824 0000 0101 080a 37c0 41c5
            88b4 eac2 4745 54""";

    /** TCP SYN [fd00:99::1]:51610 -> :8080, MSS 1440. */
    static final String TCP_SYN_V6 = """
            600b 2dc8 0028 0640 fd00 0099 0000 0000
            0000 0000 0000 0001 fd00 0099 0000 0000
            0000 0000 0000 0002 c99a 1f90 989b da33
            0000 0000 a002 fd20 eae0 0000 0204 05a0
            0402 080a c335 45a9 0000 0000 0103 030a""";

    /** ping: ICMP echo request id 0x2dad seq 1, 24 data bytes (timestamp, then pattern 6162). */
    static final String ICMP_ECHO_REQUEST_V4 = """
            4500 0034 5707 4000 4001 cef9 0a63 0001
            0a63 0002 0800 aa45 2dad 0001 9ea8 036b
            0000 0000 f26e 0600 0000 0000 6162 6162
            6162 6162""";

    /** ping -6: ICMPv6 echo request id 0x2dae seq 1. */
    static final String ICMPV6_ECHO_REQUEST = """
            6000 8cc1 0020 3a40 fd00 0099 0000 0000
            0000 0000 0000 0001 fd00 0099 0000 0000
            0000 0000 0000 0002 8000 a0a6 2dae 0001
            9ea8 036b 0000 0000 887b 0600 0000 0000
            6162 6162 6162 6162""";

    /** Router solicitation fe80::f0d2:dcff:fe3b:e7f3 -> ff02::2 with a source link-layer address option. */
    static final String ICMPV6_ROUTER_SOLICITATION = """
            6000 0000 0010 3aff fe80 0000 0000 0000
            f0d2 dcff fe3b e7f3 ff02 0000 0000 0000
            0000 0000 0000 0002 8500 1129 0000 0000
            0101 f2d2 dc3b e7f3""";

    /** Neighbour solicitation for fe80::f0d2:dcff:fe3b:e7f3 from 2a:29:fc:55:0e:fb (unicast probe). */
    static final String ICMPV6_NEIGHBOR_SOLICITATION = """
            6000 0000 0020 3aff fe80 0000 0000 0000
            2829 fcff fe55 0efb fe80 0000 0000 0000
            f0d2 dcff fe3b e7f3 8700 ac27 0000 0000
            fe80 0000 0000 0000 f0d2 dcff fe3b e7f3
            0101 2a29 fc55 0efb""";

    /** Neighbour advertisement (solicited, not router, not override), no options. */
    static final String ICMPV6_NEIGHBOR_ADVERTISEMENT = """
            6000 0000 0018 3aff fe80 0000 0000 0000
            f0d2 dcff fe3b e7f3 fe80 0000 0000 0000
            2829 fcff fe55 0efb 8800 a1aa 4000 0000
            fe80 0000 0000 0000 f0d2 dcff fe3b e7f3""";
}
