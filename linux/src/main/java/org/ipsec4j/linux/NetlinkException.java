package org.ipsec4j.linux;

/**
 * The kernel refused a netlink request: the errno from its {@code NLMSG_ERROR} reply, and the extended-ack text
 * when the kernel gave one (netlink(7), NETLINK_EXT_ACK), e.g.
 * {@code RTM_NEWROUTE 198.51.100.0/24 via 203.0.113.1: Network is unreachable (ENETUNREACH, errno 101): Nexthop has invalid gateway}.
 */
public final class NetlinkException extends ErrnoException {

    private static final long serialVersionUID = 1L;

    private final String kernelMessage;

    NetlinkException(String request, int errno, String kernelMessage) {
        super(request, errno, kernelMessage);
        this.kernelMessage = kernelMessage;
    }

    /** The kernel's extended-ack message, or null if it sent none. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
