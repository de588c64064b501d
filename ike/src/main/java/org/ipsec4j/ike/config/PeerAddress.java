package org.ipsec4j.ike.config;

import java.net.InetAddress;

import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * One entry of {@code local_addrs} or {@code remote_addrs}: {@code %any}, a single address, a CIDR subnet or a
 * range. As initiator the first single address is used; as responder a peer's address must fall into one of
 * the entries (swanctl.conf(5)). Host names are refused when parsing: ipsec4j does no DNS lookups.
 *
 * @param range the addresses, or null for {@code %any}
 */
public record PeerAddress(AddressRange range) {

    /** {@code %any}: every address of either family. */
    public static final PeerAddress ANY = new PeerAddress(null);

    /** Parses one list entry; {@code %any} is accepted, host names are not. */
    public static PeerAddress parse(String text) throws InvalidValueException {
        if (text.equals("%any")) {
            return ANY;
        }
        if (text.startsWith("%")) {
            throw new InvalidValueException(0, "'" + AddressText.shown(text) + "' is not supported by ipsec4j "
                    + "(use %any or an address)");
        }
        return new PeerAddress(AddressText.range(text, 0));
    }

    public static PeerAddress of(InetAddress address) {
        return new PeerAddress(AddressRange.single(IpAddress.of(address)));
    }

    public boolean isAny() {
        return range == null;
    }

    /** A single address (not %any, a subnet or a range): one that can be used to initiate. */
    public boolean isSingle() {
        return range != null && range.first().equals(range.last());
    }

    /** The address of a {@link #isSingle() single} entry. */
    public InetAddress address() {
        if (!isSingle()) {
            throw new IllegalStateException(this + " is not a single address");
        }
        return range.first().toInetAddress();
    }

    public boolean matches(InetAddress address) {
        return range == null || range.contains(IpAddress.of(address));
    }

    /** swanctl.conf syntax: {@code %any}, {@code 192.0.2.1}, {@code 10.0.0.0/8}, {@code 10.0.0.1-10.0.0.9}. */
    @Override
    public String toString() {
        return range == null ? "%any" : range.toString();
    }
}
