package org.ipsec4j.linux;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A route for {@link NetlinkRouteSocket#addRoute}, as {@code ip route add} takes it: destination, then any of
 * gateway ({@code via}), device ({@code dev}), table, metric, path MTU ({@code mtu}), preferred source
 * ({@code src}). Built with the withers: {@code Route.to("0.0.0.0/0").via("192.0.2.1").table(100)}.
 *
 * @param destination     the destination prefix
 * @param gateway         next hop, or null for a directly reachable destination
 * @param device          output interface name, or null
 * @param table           routing table id; 0 means main (254)
 * @param metric          priority (lower wins), or -1 for the kernel's default
 * @param mtu             the path MTU locked on this route (RTAX_MTU), or 0 for none
 * @param preferredSource the source address for locally generated packets, or null
 * @param type            unicast, or a blackhole/unreachable/prohibit/throw route
 */
public record Route(IpPrefix destination, InetAddress gateway, String device, int table, int metric, int mtu,
                    InetAddress preferredSource, Type type) {

    /** rtm_type values (linux/rtnetlink.h). */
    public enum Type {
        UNICAST(1), BLACKHOLE(6), UNREACHABLE(7), PROHIBIT(8), THROW(9);

        final int code;

        Type(int code) {
            this.code = code;
        }
    }

    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        if (gateway != null && gateway.getAddress().length != destination.address().getAddress().length) {
            throw new IllegalArgumentException("gateway " + gateway.getHostAddress() + " is not of the family of "
                    + destination);
        }
        if (table < 0 || mtu < 0) {
            throw new IllegalArgumentException("table and mtu are unsigned");
        }
    }

    /** A unicast route to {@code destination} in the main table; add {@code via} and/or {@code device}. */
    public static Route to(IpPrefix destination) {
        return new Route(destination, null, null, 0, -1, 0, null, Type.UNICAST);
    }

    /** {@code Route.to(IpPrefix.parse(destination))}. */
    public static Route to(String destination) {
        return to(IpPrefix.parse(destination));
    }

    public Route via(InetAddress newGateway) {
        return new Route(destination, newGateway, device, table, metric, mtu, preferredSource, type);
    }

    public Route via(String newGateway) {
        return via(InetAddress.ofLiteral(newGateway));
    }

    public Route device(String newDevice) {
        return new Route(destination, gateway, newDevice, table, metric, mtu, preferredSource, type);
    }

    public Route table(int newTable) {
        return new Route(destination, gateway, device, newTable, metric, mtu, preferredSource, type);
    }

    public Route metric(int newMetric) {
        return new Route(destination, gateway, device, table, newMetric, mtu, preferredSource, type);
    }

    public Route mtu(int newMtu) {
        return new Route(destination, gateway, device, table, metric, newMtu, preferredSource, type);
    }

    public Route preferredSource(InetAddress source) {
        return new Route(destination, gateway, device, table, metric, mtu, source, type);
    }

    public Route type(Type newType) {
        return new Route(destination, gateway, device, table, metric, mtu, preferredSource, newType);
    }

    /** The table id the kernel will use: 254 (main) when none was given. */
    public int effectiveTable() {
        return table == 0 ? 254 : table;
    }

    /** As {@code ip route} would print it, e.g. {@code 10.0.0.0/8 via 192.0.2.1 dev tun0 table 100 metric 5}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (type != Type.UNICAST) {
            text.append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        }
        text.append(destination);
        if (gateway != null) {
            text.append(" via ").append(gateway.getHostAddress());
        }
        if (device != null) {
            text.append(" dev ").append(device);
        }
        if (table != 0) {
            text.append(" table ").append(table);
        }
        if (metric >= 0) {
            text.append(" metric ").append(metric);
        }
        if (mtu > 0) {
            text.append(" mtu ").append(mtu);
        }
        if (preferredSource != null) {
            text.append(" src ").append(preferredSource.getHostAddress());
        }
        return text.toString();
    }
}
