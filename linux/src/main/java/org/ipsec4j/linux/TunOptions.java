package org.ipsec4j.linux;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to open a {@link TunDevice}. Always IFF_TUN | IFF_NO_PI: packets start with the IP header.
 *
 * @param name            the interface name (at most 15 bytes), or null for the kernel's next {@code tun%d}
 * @param multiQueue      IFF_MULTI_QUEUE: several file descriptors (queues) on one device, one per thread;
 *                        see {@link TunDevice#attachQueue()}
 * @param virtioNetHeader IFF_VNET_HDR: every packet read or written begins with a {@link VirtioNetHeader}
 *                        (10 bytes, TUNSETVNETHDRSZ), which carries checksum and segmentation offload state
 * @param offloads        what TUNSETOFFLOAD announces; needs {@code virtioNetHeader}
 */
public record TunOptions(String name, boolean multiQueue, boolean virtioNetHeader, Set<TunOffload> offloads) {

    /** IFNAMSIZ (linux/if.h) less the terminating NUL. */
    public static final int MAX_NAME_BYTES = 15;

    public TunOptions {
        if (name != null && (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)) {
            throw new IllegalArgumentException("an interface name has 1 to " + MAX_NAME_BYTES + " bytes: '" + name + "'");
        }
        offloads = Set.copyOf(Objects.requireNonNull(offloads, "offloads"));
        if (!offloads.isEmpty() && !virtioNetHeader) {
            throw new IllegalArgumentException("offloads need the virtio-net header: " + offloads);
        }
        if (!offloads.isEmpty() && !offloads.contains(TunOffload.CHECKSUM)) {
            throw new IllegalArgumentException("every offload needs CHECKSUM too: " + offloads);
        }
    }

    /** A single-queue device with a kernel-chosen name and no virtio-net header. */
    public static TunOptions defaults() {
        return new TunOptions(null, false, false, Set.of());
    }

    public TunOptions withName(String newName) {
        return new TunOptions(newName, multiQueue, virtioNetHeader, offloads);
    }

    public TunOptions withMultiQueue(boolean enabled) {
        return new TunOptions(name, enabled, virtioNetHeader, offloads);
    }

    /** Virtio-net header on, with these offloads (none: header only, which still marks checksum state). */
    public TunOptions withVirtioNetHeader(Set<TunOffload> newOffloads) {
        return new TunOptions(name, multiQueue, true, newOffloads);
    }

    /** Checksum offload and TCP segmentation for IPv4 and IPv6: the kernel hands over 64 KB TCP super-packets. */
    public TunOptions withTcpOffloads() {
        return withVirtioNetHeader(EnumSet.of(TunOffload.CHECKSUM, TunOffload.TCP_SEGMENTATION_IPV4,
                TunOffload.TCP_SEGMENTATION_IPV6));
    }

    int offloadBits() {
        int bits = 0;
        for (TunOffload offload : offloads) {
            bits |= offload.flag();
        }
        return bits;
    }
}
