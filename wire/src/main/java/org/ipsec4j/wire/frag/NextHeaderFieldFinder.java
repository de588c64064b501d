package org.ipsec4j.wire.frag;

import org.ipsec4j.wire.Ipv6Packet;

/**
 * Finds the Next Header field that names a given header in an IPv6 chain: the fixed header's field (byte 6) or
 * the first byte of the extension header just before it. Reusable, so it allocates nothing per packet.
 */
final class NextHeaderFieldFinder implements Ipv6Packet.ExtensionHeaderVisitor {

    private int target;
    private int found;

    /** Absolute offset of the Next Header field whose value names the header at absolute {@code headerOffset}. */
    int fieldNaming(Ipv6Packet ip, int headerOffset) {
        target = headerOffset;
        found = ip.offset() + 6;
        ip.extensionHeaders(this);
        return found;
    }

    @Override
    public boolean header(int type, int offset, int length) {
        if (offset >= target) {
            return false;
        }
        found = offset;
        return true;
    }
}
