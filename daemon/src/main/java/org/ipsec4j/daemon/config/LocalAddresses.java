package org.ipsec4j.daemon.config;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses of this host (of the network namespace the daemon runs in). They tell an SA's direction (its
 * source is ours: outbound; its destination: inbound) and give routes into the tunnel a source address.
 */
@FunctionalInterface
public interface LocalAddresses {

    /** The addresses now, read afresh on each call. */
    Set<InetAddress> addresses();

    default boolean isLocal(InetAddress address) {
        return addresses().contains(address);
    }

    /** Every address of every interface, from the kernel (getifaddrs through the JDK). */
    static LocalAddresses system() {
        return () -> {
            Set<InetAddress> all = new HashSet<>();
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        all.add(withoutScope(address));
                    }
                }
            } catch (SocketException e) {
                throw new UncheckedIOException("cannot list the interface addresses", e);
            }
            return all;
        };
    }

    /** A fixed set, for tests. */
    static LocalAddresses of(List<InetAddress> addresses) {
        Set<InetAddress> copy = Set.copyOf(addresses);
        return () -> copy;
    }

    /** The JDK reports link-local IPv6 addresses with a scope id; a setkey file never has one. */
    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
