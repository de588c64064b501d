package org.ipsec4j.linux;

/**
 * Offloads a TUN device with a virtio-net header can announce to the kernel with TUNSETOFFLOAD
 * ({@code TUN_F_*} in linux/if_tun.h). With them the kernel hands us packets whose checksum is left to us
 * ({@link VirtioNetHeader#FLAG_NEEDS_CHECKSUM}) and TCP or UDP "super-packets" of up to 64 KB that we must cut
 * into segments of {@link VirtioNetHeader#gsoSize} ourselves; and accepts such super-packets from us.
 */
public enum TunOffload {
    /** TUN_F_CSUM: we handle partial checksums; required by all the others. */
    CHECKSUM(0x01),
    /** TUN_F_TSO4: TCP segmentation, IPv4. */
    TCP_SEGMENTATION_IPV4(0x02),
    /** TUN_F_TSO6: TCP segmentation, IPv6. */
    TCP_SEGMENTATION_IPV6(0x04),
    /** TUN_F_TSO_ECN: TCP segmentation with the ECN CWR bit. */
    TCP_SEGMENTATION_ECN(0x08),
    /** TUN_F_USO4: UDP segmentation (UDP_SEGMENT), IPv4; Linux 6.2 and later. */
    UDP_SEGMENTATION_IPV4(0x20),
    /** TUN_F_USO6: UDP segmentation, IPv6; Linux 6.2 and later (both USO flags must be given together). */
    UDP_SEGMENTATION_IPV6(0x40);

    private final int flag;

    TunOffload(int flag) {
        this.flag = flag;
    }

    /** The TUN_F_* bit. */
    public int flag() {
        return flag;
    }
}
