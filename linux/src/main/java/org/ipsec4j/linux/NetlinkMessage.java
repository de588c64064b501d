package org.ipsec4j.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink request (netlink(7), rtnetlink(7)): a {@code struct nlmsghdr}, the family header
 * ({@code ifinfomsg}, {@code ifaddrmsg}, {@code rtmsg}, {@code fib_rule_hdr}) and {@code struct rtattr}
 * attributes, each padded to 4 bytes (NLMSG_ALIGN, RTA_ALIGN). Integers are in host byte order, addresses in
 * network byte order, as the kernel expects. Control-plane only: it allocates freely.
 */
final class NetlinkMessage {

    // linux/netlink.h
    static final int HEADER_LENGTH = 16;
    static final short NLM_F_REQUEST = 0x1;
    static final short NLM_F_MULTI = 0x2;
    static final short NLM_F_ACK = 0x4;
    static final short NLM_F_REPLACE = 0x100;
    static final short NLM_F_EXCL = 0x200;
    static final short NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR reply: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    static final short NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR reply: extended-ack attributes follow. */
    static final short NLM_F_ACK_TLVS = 0x200;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    private final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    private final String description;

    /**
     * @param description for error messages, e.g. {@code "RTM_NEWROUTE 10.0.0.0/8 dev tun0"}
     */
    NetlinkMessage(int type, int flags, String description) {
        this.description = description;
        buffer.putInt(0); // nlmsg_len, set by finish()
        buffer.putShort((short) type);
        buffer.putShort((short) (flags | NLM_F_REQUEST));
        buffer.putInt(0); // nlmsg_seq, set by finish()
        buffer.putInt(0); // nlmsg_pid: 0, the kernel fills in our port id
    }

    String description() {
        return description;
    }

    NetlinkMessage u8(int value) {
        buffer.put((byte) value);
        return this;
    }

    NetlinkMessage u16(int value) {
        buffer.putShort((short) value);
        return this;
    }

    NetlinkMessage u32(int value) {
        buffer.putInt(value);
        return this;
    }

    NetlinkMessage attribute(int type, byte[] payload) {
        int length = 4 + payload.length;
        buffer.putShort((short) length);
        buffer.putShort((short) type);
        buffer.put(payload);
        pad();
        return this;
    }

    NetlinkMessage attributeU32(int type, int value) {
        buffer.putShort((short) 8);
        buffer.putShort((short) type);
        buffer.putInt(value);
        return this;
    }

    /** A NUL-terminated string attribute (IFLA_IFNAME). */
    NetlinkMessage attributeString(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, withNul, 0, bytes.length);
        return attribute(type, withNul);
    }

    /** Starts a nested attribute (RTA_METRICS); returns the position to give {@link #endNested}. */
    int beginNested(int type) {
        int start = buffer.position();
        buffer.putShort((short) 0);
        buffer.putShort((short) type);
        return start;
    }

    void endNested(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
    }

    private void pad() {
        while ((buffer.position() & 3) != 0) {
            buffer.put((byte) 0);
        }
    }

    /** The finished message with its length and sequence number. */
    byte[] finish(int sequence) {
        pad();
        buffer.putInt(0, buffer.position());
        buffer.putInt(8, sequence);
        byte[] bytes = new byte[buffer.position()];
        buffer.get(0, bytes);
        return bytes;
    }
}
