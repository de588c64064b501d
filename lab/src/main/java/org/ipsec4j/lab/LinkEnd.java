package org.ipsec4j.lab;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One end of a {@link Link}: a veth interface inside a namespace. */
public final class LinkEnd {

    private final Namespace namespace;
    private final String interfaceName;
    private Link link;
    private final List<String> prefixes = new ArrayList<>();
    private final Map<IpVersion, String[]> lossRules = new EnumMap<>(IpVersion.class);

    LinkEnd(Namespace namespace, String interfaceName) {
        this.namespace = namespace;
        this.interfaceName = interfaceName;
    }

    void attach(Link link) {
        this.link = link;
    }

    public Namespace namespace() {
        return namespace;
    }

    /** The interface name inside the namespace, e.g. {@code eth0}. */
    public String interfaceName() {
        return interfaceName;
    }

    public Link link() {
        return link;
    }

    /** The other end of the link. */
    public LinkEnd peer() {
        return link.a() == this ? link.b() : link.a();
    }

    /**
     * Assigns an address with its prefix length, e.g. {@code "192.0.2.1/24"} or {@code "2001:db8:1::1/64"}. IPv6
     * addresses skip duplicate address detection so they work at once.
     */
    public synchronized LinkEnd addAddress(String addressWithPrefix) {
        if (!addressWithPrefix.contains("/")) {
            throw new IllegalArgumentException("give a prefix length: " + addressWithPrefix);
        }
        if (IpVersion.of(addressWithPrefix) == IpVersion.V6) {
            namespace.ip("-6", "addr", "add", addressWithPrefix, "dev", interfaceName, "nodad");
        } else {
            namespace.ip("-4", "addr", "add", addressWithPrefix, "dev", interfaceName);
        }
        prefixes.add(addressWithPrefix);
        return this;
    }

    /** The addresses assigned through {@link #addAddress}, with prefix lengths. */
    public synchronized List<String> addresses() {
        return List.copyOf(prefixes);
    }

    /** The first address of that family assigned to this end; throws if there is none. */
    public synchronized InetAddress address(IpVersion version) {
        return prefixes.stream()
                .filter(p -> IpVersion.of(p) == version)
                .map(p -> InetAddress.ofLiteral(p.substring(0, p.indexOf('/'))))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(this + " has no " + version + " address"));
    }

    /** {@link #address} as text for command lines. */
    public String addressText(IpVersion version) {
        return address(version).getHostAddress();
    }

    /** The MTU this end has now, as the kernel reports it. */
    public int mtu() {
        String details = namespace.ip("-o", "link", "show", "dev", interfaceName).stdout();
        String[] words = details.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("mtu")) {
                return Integer.parseInt(words[i + 1]);
            }
        }
        throw new IllegalStateException("no mtu in: " + details);
    }

    public void setMtu(int mtu) {
        namespace.ip("link", "set", "dev", interfaceName, "mtu", Integer.toString(mtu));
    }

    /**
     * Drops each packet leaving through this end with the given probability (0 removes the loss), using the
     * iptables statistic match in the mangle table, for IPv4 and IPv6, whether sent or forwarded by this
     * namespace. A datagram the sender fragments counts as one packet, since netfilter sees it before fragmentation.
     */
    public synchronized void setEgressLoss(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        for (IpVersion version : IpVersion.values()) {
            Firewall mangle = namespace.firewall(version, "mangle");
            String[] previous = lossRules.remove(version);
            if (previous != null) {
                mangle.delete("POSTROUTING", previous);
            }
            if (probability > 0) {
                String[] rule = {"-o", interfaceName, "-m", "statistic", "--mode", "random",
                        "--probability", BigDecimal.valueOf(probability).toPlainString(), "-j", "DROP"};
                mangle.append("POSTROUTING", rule);
                lossRules.put(version, rule);
            }
        }
    }

    /**
     * Sets a netem qdisc on this end, e.g. {@code netem("delay", "20ms", "loss", "1%")}. Throws
     * {@link UnsupportedOperationException} if the kernel has no netem (see {@link Lab#netemSupport()}).
     */
    public void netem(String... parameters) {
        NetemSupport support = namespace.lab().netemSupport();
        if (!support.available()) {
            throw new UnsupportedOperationException("this kernel has no netem qdisc (" + support.detail()
                    + "); use setEgressLoss for random loss");
        }
        List<String> command = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", interfaceName, "root", "netem"));
        command.addAll(List.of(parameters));
        namespace.run(command.toArray(String[]::new));
    }

    /** Starts tcpdump on this end; see {@link Namespace#capture}. */
    public PacketCapture capture(Path file, String... filter) {
        return namespace.capture(interfaceName, file, filter);
    }

    /** The same, keeping the first {@code snapLength} bytes of each packet. */
    public PacketCapture capture(Path file, int snapLength, String... filter) {
        return namespace.capture(interfaceName, file, snapLength, filter);
    }

    @Override
    public String toString() {
        return namespace.name() + ":" + interfaceName;
    }
}
