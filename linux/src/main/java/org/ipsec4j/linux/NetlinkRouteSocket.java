package org.ipsec4j.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.ipsec4j.linux.LinuxConstants.AF_INET;
import static org.ipsec4j.linux.LinuxConstants.AF_INET6;
import static org.ipsec4j.linux.LinuxConstants.AF_NETLINK;
import static org.ipsec4j.linux.LinuxConstants.MSG_TRUNC;
import static org.ipsec4j.linux.LinuxConstants.POLLIN;
import static org.ipsec4j.linux.LinuxConstants.SOCK_CLOEXEC;
import static org.ipsec4j.linux.LinuxConstants.SOCK_NONBLOCK;
import static org.ipsec4j.linux.LinuxConstants.SOCK_RAW;
import static org.ipsec4j.linux.LinuxConstants.SOL_NETLINK;
import static org.ipsec4j.linux.NetlinkMessage.NLM_F_ACK;
import static org.ipsec4j.linux.NetlinkMessage.NLM_F_CREATE;
import static org.ipsec4j.linux.NetlinkMessage.NLM_F_EXCL;
import static org.ipsec4j.linux.NetlinkMessage.NLM_F_REPLACE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Interface, address, route and rule configuration over rtnetlink (an AF_NETLINK / NETLINK_ROUTE socket;
 * rtnetlink(7)) — what {@code ip link set}, {@code ip addr add}, {@code ip route add} and {@code ip rule add}
 * do, without running them.
 *
 * <p>Works in the network namespace the socket was opened in (see {@link NetworkNamespace}). Every request asks
 * for an acknowledgement; a refusal throws {@link NetlinkException} with the request, the errno and the kernel's
 * extended-ack message (NETLINK_EXT_ACK), e.g. "Nexthop has invalid gateway". Calls are synchronous and
 * serialised; the socket may be shared between threads.
 */
public final class NetlinkRouteSocket implements AutoCloseable {

    private static final int NETLINK_ROUTE = 0;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int AF_UNSPEC = 0;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int RECEIVE_BUFFER = 64 * 1024;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    // linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h, linux/fib_rules.h (checked with gcc)
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_DELROUTE = 25;
    private static final int RTM_NEWRULE = 32;
    private static final int RTM_DELRULE = 33;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_TXQLEN = 13;
    private static final int IFF_UP = 0x1;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_F_NODAD = 0x02;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PRIORITY = 6;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_METRICS = 8;
    private static final int RTA_TABLE = 15;
    private static final int RTAX_MTU = 2;
    private static final int RTPROT_BOOT = 3;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RT_SCOPE_NOWHERE = 255;
    private static final int RT_TABLE_UNSPEC = 0;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_FWMARK = 10;
    private static final int FRA_SUPPRESS_PREFIXLEN = 14;
    private static final int FRA_TABLE = 15;
    private static final int FRA_FWMASK = 16;
    private static final int FR_ACT_TO_TBL = 1;
    private static final int FIB_RULE_INVERT = 0x2;

    private final NativeDescriptor descriptor;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment kernelAddress;
    private final MemorySegment receiveBuffer;
    private int sequence = (int) (System.nanoTime() & 0x3FFFFFFF);

    private NetlinkRouteSocket(NativeDescriptor descriptor) {
        this.descriptor = descriptor;
        kernelAddress = arena.allocate(SOCKADDR_NL_SIZE, 4);
        kernelAddress.set(JAVA_SHORT, 0, (short) AF_NETLINK); // nl_pid 0: the kernel
        receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
    }

    /** Opens a route netlink socket in the calling thread's network namespace. */
    public static NetlinkRouteSocket open() throws IOException {
        int fd = ErrnoException.check("socket(AF_NETLINK, NETLINK_ROUTE)",
                LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
        NetlinkRouteSocket socket = new NetlinkRouteSocket(NativeDescriptor.adopt(fd, "rtnetlink"));
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment one = scratch.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            // Best effort: error texts from the kernel, and acks without an echo of our request.
            LibC.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4);
            LibC.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one, 4);
            MemorySegment local = scratch.allocate(SOCKADDR_NL_SIZE, 4);
            local.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            ErrnoException.check("bind(AF_NETLINK)", LibC.bind(fd, local, SOCKADDR_NL_SIZE));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    // ---- links ----

    /**
     * The index of an interface in this socket's namespace (RTM_GETLINK by IFLA_IFNAME).
     *
     * @throws NetlinkException with ENODEV ("No such device") if there is none of that name
     */
    public synchronized int interfaceIndex(String name) throws IOException {
        NetlinkMessage request = new NetlinkMessage(RTM_GETLINK, NLM_F_ACK, "RTM_GETLINK " + name);
        ifinfomsg(request, 0, 0, 0);
        request.attributeString(IFLA_IFNAME, name);
        int[] index = {-1};
        transact(request, (type, message, offset, length) -> {
            if (type == RTM_NEWLINK) {
                index[0] = message.getInt(offset + NetlinkMessage.HEADER_LENGTH + 4); // ifinfomsg.ifi_index
            }
        });
        if (index[0] < 0) {
            throw new NetlinkException("RTM_GETLINK " + name, Errno.ENODEV, "no link in the reply");
        }
        return index[0];
    }

    /** {@code ip link set dev NAME mtu MTU}. */
    public synchronized void setMtu(String name, int mtu) throws IOException {
        NetlinkMessage request = new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK, "RTM_NEWLINK " + name + " mtu " + mtu);
        ifinfomsg(request, interfaceIndex(name), 0, 0);
        request.attributeU32(IFLA_MTU, mtu);
        transact(request, null);
    }

    /** {@code ip link set dev NAME txqueuelen N}: how many packets the device queues (a TUN device: unread ones). */
    public synchronized void setTransmitQueueLength(String name, int packets) throws IOException {
        NetlinkMessage request = new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK,
                "RTM_NEWLINK " + name + " txqueuelen " + packets);
        ifinfomsg(request, interfaceIndex(name), 0, 0);
        request.attributeU32(IFLA_TXQLEN, packets);
        transact(request, null);
    }

    /** {@code ip link set dev NAME up}. */
    public synchronized void setUp(String name) throws IOException {
        setFlag(name, IFF_UP, true, "up");
    }

    /** {@code ip link set dev NAME down}. */
    public synchronized void setDown(String name) throws IOException {
        setFlag(name, IFF_UP, false, "down");
    }

    private void setFlag(String name, int flag, boolean on, String word) throws IOException {
        NetlinkMessage request = new NetlinkMessage(RTM_NEWLINK, NLM_F_ACK, "RTM_NEWLINK " + name + " " + word);
        ifinfomsg(request, interfaceIndex(name), on ? flag : 0, flag);
        transact(request, null);
    }

    private static void ifinfomsg(NetlinkMessage request, int index, int flags, int change) {
        request.u8(AF_UNSPEC).u8(0).u16(0) // ifi_family, pad, ifi_type
                .u32(index).u32(flags).u32(change);
    }

    // ---- addresses ----

    /**
     * {@code ip addr add ADDRESS/LEN dev NAME} (IPv6 with {@code nodad}: usable at once). Adds the prefix route
     * too, as ip does.
     *
     * @throws NetlinkException EEXIST if the interface has that address already
     */
    public synchronized void addAddress(String name, IpPrefix address) throws IOException {
        changeAddress(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, name, address, "add");
    }

    /** {@code ip addr del ADDRESS/LEN dev NAME}. */
    public synchronized void deleteAddress(String name, IpPrefix address) throws IOException {
        changeAddress(RTM_DELADDR, NLM_F_ACK, name, address, "del");
    }

    private void changeAddress(int type, int flags, String name, IpPrefix address, String verb) throws IOException {
        int index = interfaceIndex(name);
        boolean v6 = address.family() == StandardProtocolFamily.INET6;
        NetlinkMessage request = new NetlinkMessage(type, flags,
                (type == RTM_NEWADDR ? "RTM_NEWADDR " : "RTM_DELADDR ") + verb + " " + address + " dev " + name);
        // struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index }
        request.u8(v6 ? AF_INET6 : AF_INET).u8(address.length()).u8(v6 ? IFA_F_NODAD : 0).u8(RT_SCOPE_UNIVERSE)
                .u32(index);
        byte[] bytes = address.address().getAddress();
        request.attribute(IFA_LOCAL, bytes);
        request.attribute(IFA_ADDRESS, bytes);
        transact(request, null);
    }

    // ---- routes ----

    /** {@code ip route add ...}; EEXIST if the same route is there already. */
    public synchronized void addRoute(Route route) throws IOException {
        changeRoute(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, route, "add");
    }

    /** {@code ip route replace ...}: adds, or replaces the route to the same destination. */
    public synchronized void replaceRoute(Route route) throws IOException {
        changeRoute(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, route, "replace");
    }

    /** {@code ip route del ...}: removes the first route matching what is given; ESRCH if none. */
    public synchronized void deleteRoute(Route route) throws IOException {
        changeRoute(RTM_DELROUTE, NLM_F_ACK, route, "del");
    }

    private void changeRoute(int type, int flags, Route route, String verb) throws IOException {
        boolean delete = type == RTM_DELROUTE;
        int index = route.device() == null ? 0 : interfaceIndex(route.device());
        IpPrefix destination = route.destination();
        int table = route.effectiveTable();
        // The choices iproute2 makes (ip/iproute.c): protocol boot; link scope for a unicast route without a
        // gateway; on delete, type, protocol and scope left open (scope "nowhere" matches any).
        int scope;
        if (delete) {
            scope = RT_SCOPE_NOWHERE;
        } else if (route.type() == Route.Type.UNICAST && route.gateway() == null) {
            scope = RT_SCOPE_LINK;
        } else {
            scope = RT_SCOPE_UNIVERSE;
        }
        NetlinkMessage request = new NetlinkMessage(type, flags, (delete ? "RTM_DELROUTE " : "RTM_NEWROUTE ") + verb
                + " " + route);
        // struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags }
        request.u8(destination.family() == StandardProtocolFamily.INET ? AF_INET : AF_INET6)
                .u8(destination.length()).u8(0).u8(0)
                .u8(table < 256 ? table : RT_TABLE_UNSPEC)
                .u8(delete ? 0 : RTPROT_BOOT)
                .u8(scope)
                .u8(delete ? 0 : route.type().code)
                .u32(0);
        if (destination.length() > 0) {
            request.attribute(RTA_DST, destination.address().getAddress());
        }
        if (route.gateway() != null) {
            request.attribute(RTA_GATEWAY, route.gateway().getAddress());
        }
        if (index != 0) {
            request.attributeU32(RTA_OIF, index);
        }
        if (route.metric() >= 0) {
            request.attributeU32(RTA_PRIORITY, route.metric());
        }
        if (route.preferredSource() != null) {
            request.attribute(RTA_PREFSRC, route.preferredSource().getAddress());
        }
        request.attributeU32(RTA_TABLE, table);
        if (route.mtu() > 0) {
            int metrics = request.beginNested(RTA_METRICS);
            request.attributeU32(RTAX_MTU, route.mtu());
            request.endNested(metrics);
        }
        transact(request, null);
    }

    // ---- rules ----

    /** {@code ip rule add ...}. */
    public synchronized void addRule(RoutingRule rule) throws IOException {
        changeRule(RTM_NEWRULE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, rule, "add");
    }

    /** {@code ip rule del ...}: removes the first rule matching what is given. */
    public synchronized void deleteRule(RoutingRule rule) throws IOException {
        changeRule(RTM_DELRULE, NLM_F_ACK, rule, "del");
    }

    private void changeRule(int type, int flags, RoutingRule rule, String verb) throws IOException {
        NetlinkMessage request = new NetlinkMessage(type, flags,
                (type == RTM_NEWRULE ? "RTM_NEWRULE " : "RTM_DELRULE ") + verb + " " + rule);
        // struct fib_rule_hdr { u8 family, dst_len, src_len, tos, table, res1, res2, action; u32 flags }
        request.u8(rule.family() == StandardProtocolFamily.INET ? AF_INET : AF_INET6).u8(0).u8(0).u8(0)
                .u8(rule.table() < 256 ? rule.table() : RT_TABLE_UNSPEC).u8(0).u8(0)
                .u8(FR_ACT_TO_TBL)
                .u32(rule.invert() ? FIB_RULE_INVERT : 0);
        if (rule.priority() >= 0) {
            request.attributeU32(FRA_PRIORITY, rule.priority());
        }
        if (rule.matchesMark()) {
            request.attributeU32(FRA_FWMARK, rule.fwmark());
            request.attributeU32(FRA_FWMASK, rule.fwmask());
        }
        request.attributeU32(FRA_TABLE, rule.table());
        if (rule.suppressPrefixLength() >= 0) {
            request.attributeU32(FRA_SUPPRESS_PREFIXLEN, rule.suppressPrefixLength());
        }
        transact(request, null);
    }

    // ---- transport ----

    @FunctionalInterface
    private interface ReplyHandler {
        /** One reply message other than the final acknowledgement; {@code offset} is its nlmsghdr. */
        void accept(int type, ByteBuffer message, int offset, int length);
    }

    /**
     * Sends the request and reads replies until the acknowledgement of its sequence number, handing other
     * replies to {@code handler}; a negative acknowledgement throws.
     */
    private void transact(NetlinkMessage request, ReplyHandler handler) throws IOException {
        int seq = ++sequence;
        byte[] bytes = request.finish(seq);
        descriptor.begin();
        try {
            try (Arena scratch = Arena.ofConfined()) {
                MemorySegment message = scratch.allocate(bytes.length, 8);
                MemorySegment.copy(bytes, 0, message, JAVA_BYTE, 0, bytes.length);
                while (true) {
                    long sent = LibC.sendto(descriptor.fd(), message, bytes.length, 0, kernelAddress, SOCKADDR_NL_SIZE);
                    if (sent >= 0) {
                        break;
                    }
                    if (sent != -Errno.EINTR) {
                        throw new ErrnoException("sendto(rtnetlink, " + request.description() + ")", (int) -sent);
                    }
                }
            }
            while (true) {
                long received = LibC.recvfrom(descriptor.fd(), receiveBuffer, RECEIVE_BUFFER, MSG_TRUNC,
                        MemorySegment.NULL, MemorySegment.NULL);
                if (received == -Errno.EAGAIN) {
                    descriptor.await(POLLIN, REPLY_TIMEOUT.toNanos());
                    continue;
                }
                if (received == -Errno.EINTR) {
                    continue;
                }
                ErrnoException.check("recv(rtnetlink, " + request.description() + ")", received);
                if (received > RECEIVE_BUFFER) {
                    throw new IOException("netlink reply of " + received + " bytes to " + request.description()
                            + " does not fit " + RECEIVE_BUFFER);
                }
                ByteBuffer replies = ByteBuffer.wrap(receiveBuffer.asSlice(0, received).toArray(JAVA_BYTE))
                        .order(ByteOrder.nativeOrder());
                if (handleReplies(replies, seq, request, handler)) {
                    return;
                }
            }
        } finally {
            descriptor.end();
        }
    }

    /** @return whether the acknowledgement of {@code seq} was among the replies */
    private static boolean handleReplies(ByteBuffer replies, int seq, NetlinkMessage request, ReplyHandler handler)
            throws NetlinkException {
        int offset = 0;
        while (offset + NetlinkMessage.HEADER_LENGTH <= replies.limit()) {
            int length = replies.getInt(offset);
            int type = replies.getShort(offset + 4) & 0xFFFF;
            int flags = replies.getShort(offset + 6) & 0xFFFF;
            int replySeq = replies.getInt(offset + 8);
            if (length < NetlinkMessage.HEADER_LENGTH || offset + length > replies.limit()) {
                throw new NetlinkException(request.description(), Errno.EPROTO, "malformed reply at " + offset);
            }
            if (replySeq == seq) {
                if (type == NetlinkMessage.NLMSG_ERROR) {
                    // struct nlmsgerr { int error; struct nlmsghdr msg; } then, maybe, NLMSGERR_ATTR_* attributes
                    int error = replies.getInt(offset + 16);
                    if (error == 0) {
                        return true;
                    }
                    throw new NetlinkException(request.description(), -error,
                            extendedAckMessage(replies, offset, length, flags));
                }
                if (type == NetlinkMessage.NLMSG_DONE) {
                    return true;
                }
                if (handler != null) {
                    handler.accept(type, replies, offset, length);
                }
            }
            offset += (length + 3) & ~3;
        }
        return false;
    }

    private static String extendedAckMessage(ByteBuffer replies, int offset, int length, int flags) {
        if ((flags & NetlinkMessage.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int echoed = (flags & NetlinkMessage.NLM_F_CAPPED) != 0
                ? NetlinkMessage.HEADER_LENGTH : (replies.getInt(offset + 20) + 3) & ~3;
        int attribute = offset + NetlinkMessage.HEADER_LENGTH + 4 + echoed;
        int end = offset + length;
        while (attribute + 4 <= end) {
            int attributeLength = replies.getShort(attribute) & 0xFFFF;
            int attributeType = replies.getShort(attribute + 2) & 0xFFFF;
            if (attributeLength < 4 || attribute + attributeLength > end) {
                return null;
            }
            if (attributeType == NLMSGERR_ATTR_MSG) {
                int textLength = attributeLength - 4;
                while (textLength > 0 && replies.get(attribute + 4 + textLength - 1) == 0) {
                    textLength--;
                }
                byte[] text = new byte[textLength];
                replies.get(attribute + 4, text);
                return new String(text, StandardCharsets.UTF_8);
            }
            attribute += (attributeLength + 3) & ~3;
        }
        return null;
    }

    /** Closes the socket. */
    @Override
    public void close() {
        descriptor.close();
        if (!descriptor.isOpen()) {
            try {
                arena.close();
            } catch (IllegalStateException stillInUse) {
                // a call still runs on another thread; the arena is freed with this object
            }
        }
    }
}
