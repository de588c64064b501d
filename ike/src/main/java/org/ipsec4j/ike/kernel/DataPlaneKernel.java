package org.ipsec4j.ike.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.PathMtu;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.ike.sa.ChildSaInstallation;
import org.ipsec4j.ike.sa.IpsecKernel;

/**
 * IKE's view of the ipsec4j data plane: Child SA pairs become ESP SAs in the SAD and, per reqid, an outbound
 * PROTECT policy per selector (bound to the newest outbound SA) plus the inbound policy that §5.2 step 4
 * checks decapsulated packets against. Rekeys add a pair under the same reqid and switch the outbound binding
 * atomically; removing a pair falls back to the newest remaining one; the last pair takes its policies along.
 */
public final class DataPlaneKernel implements IpsecKernel {

    private static final Duration NAT_KEEPALIVE = Duration.ofSeconds(20);

    private final DataPlane dataPlane;
    private final LongSupplier nanoClock;
    private final Map<Integer, Binding> bindings = new HashMap<>();
    /** The path MTU IKE's probes found, per reqid (for the data plane's per-SA path MTU; see {@link #pathMtu}). */
    private final Map<Integer, Integer> pathMtus = new HashMap<>();
    /** The search base for SYNs while IKE's first search runs, per reqid (see {@link #updatePathMtuSearchBase}). */
    private final Map<Integer, Integer> searchBases = new HashMap<>();

    /** The pairs and policies of one reqid. */
    private static final class Binding {
        final List<SecurityPolicy> outbound = new ArrayList<>();
        final List<SecurityPolicy> inbound = new ArrayList<>();
        final List<SecurityAssociation[]> pairs = new ArrayList<>();
    }

    public DataPlaneKernel(DataPlane dataPlane, LongSupplier nanoClock) {
        this.dataPlane = dataPlane;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized int allocateSpi() {
        return dataPlane.sad().allocateSpi();
    }

    @Override
    public synchronized void releaseSpi(int spi) {
        dataPlane.sad().releaseSpi(spi);
    }

    @Override
    public synchronized void install(ChildSaInstallation p, boolean useForOutbound) {
        long now = nanoClock.getAsLong();
        // One path MTU for the pair: the inbound SA clamps the MSS of SYNs it delivers to what the outbound carries.
        PathMtu path = new PathMtu(p.localAddress().family());
        Binding existing = bindings.get(p.reqid());
        if (existing != null && !existing.pairs.isEmpty()) {
            SecurityAssociation previous = existing.pairs.get(existing.pairs.size() - 1)[1];
            if (previous.localAddress().equals(p.localAddress()) && previous.remoteAddress().equals(p.remoteAddress())) {
                path.setLinkMtu(previous.pathMtu().linkMtu());
                path.inherit(previous.pathMtu()); // a rekey runs over the same path: keep what ICMP taught
            }
        }
        Integer probed = pathMtus.get(p.reqid());
        if (probed != null) {
            path.setProbedMtu(probed); // what IKE's probes found so far for this reqid
        }
        Integer base = searchBases.get(p.reqid());
        if (base != null) {
            path.setSearchBase(base); // IKE's first search is still running
        }
        SecurityAssociation in = SecurityAssociation.esp(SecurityAssociation.Flow.INBOUND, p.inboundSpi(), p.transform(),
                        p.inboundEncryptionKey(), p.inboundIntegrityKey())
                .mode(p.mode()).endpoints(p.localAddress(), p.remoteAddress()).udpEncapsulation(p.encapsulation())
                .extendedSequenceNumbers(p.extendedSequenceNumbers()).reqid(p.reqid()).replayWindow(p.replayWindow())
                .pathMtu(path).build();
        SecurityAssociation out = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, p.outboundSpi(),
                        p.transform(), p.outboundEncryptionKey(), p.outboundIntegrityKey())
                .mode(p.mode()).endpoints(p.localAddress(), p.remoteAddress()).udpEncapsulation(p.encapsulation())
                .extendedSequenceNumbers(p.extendedSequenceNumbers()).reqid(p.reqid())
                .natKeepalive(p.sendKeepalives() ? NAT_KEEPALIVE : null)
                .dontFragment(p.dontFragment()).prefragment(p.prefragment()).pathMtu(path)
                .build();
        java.util.Arrays.fill(p.inboundEncryptionKey(), (byte) 0);
        java.util.Arrays.fill(p.outboundEncryptionKey(), (byte) 0);
        if (p.inboundIntegrityKey() != null) {
            java.util.Arrays.fill(p.inboundIntegrityKey(), (byte) 0);
        }
        if (p.outboundIntegrityKey() != null) {
            java.util.Arrays.fill(p.outboundIntegrityKey(), (byte) 0);
        }
        dataPlane.sad().install(in, now);
        dataPlane.sad().install(out, now);
        Binding b = bindings.get(p.reqid());
        if (b == null) {
            b = new Binding();
            IpsecTemplate template = p.mode() == org.ipsec4j.esp.sad.IpsecMode.TUNNEL
                    ? IpsecTemplate.tunnel(SecurityProtocol.ESP, p.localAddress(), p.remoteAddress()).withReqid(p.reqid())
                    : IpsecTemplate.transport(SecurityProtocol.ESP).withReqid(p.reqid());
            List<SecurityPolicy> all = new ArrayList<>();
            for (TrafficSelector s : p.selectors()) {
                SecurityPolicy o = new SecurityPolicy(Direction.OUT, s, PolicyAction.protect(template), p.name());
                o.bindOutboundSa(out);
                b.outbound.add(o);
                b.inbound.add(new SecurityPolicy(Direction.IN, s, PolicyAction.protect(template), p.name()));
            }
            all.addAll(b.outbound);
            all.addAll(b.inbound);
            dataPlane.spd().addAll(all);
            bindings.put(p.reqid(), b);
        } else if (useForOutbound) {
            for (SecurityPolicy o : b.outbound) {
                o.bindOutboundSa(out); // make-before-break: the new SA carries traffic from the next packet
            }
        }
        b.pairs.add(new SecurityAssociation[] {in, out});
    }

    @Override
    public synchronized void remove(int reqid, int inboundSpi, int outboundSpi) {
        Binding b = bindings.get(reqid);
        if (b == null) {
            return;
        }
        SecurityAssociation[] gone = null;
        for (SecurityAssociation[] pair : b.pairs) {
            if (pair[0].spi() == inboundSpi && pair[1].spi() == outboundSpi) {
                gone = pair;
            }
        }
        if (gone == null) {
            return;
        }
        b.pairs.remove(gone);
        if (b.pairs.isEmpty()) {
            for (SecurityPolicy p : b.outbound) {
                dataPlane.spd().remove(p);
            }
            for (SecurityPolicy p : b.inbound) {
                dataPlane.spd().remove(p);
            }
            bindings.remove(reqid);
            pathMtus.remove(reqid);
            searchBases.remove(reqid);
        } else {
            SecurityAssociation newest = b.pairs.get(b.pairs.size() - 1)[1];
            for (SecurityPolicy o : b.outbound) {
                if (o.outboundSa() == gone[1]) {
                    o.bindOutboundSa(newest);
                }
            }
        }
        dataPlane.sad().remove(gone[0]);
        dataPlane.sad().remove(gone[1]);
    }

    @Override
    public synchronized void updateAddresses(int reqid, IpAddress local, IpAddress remote, UdpEncapsulation encapsulation) {
        Binding b = bindings.get(reqid);
        if (b == null) {
            return;
        }
        for (SecurityAssociation[] pair : b.pairs) {
            pair[0].movePeer(remote, encapsulation);
            pair[1].movePeer(remote, encapsulation);
        }
    }

    @Override
    public synchronized ChildSaUsage usage(int inboundSpi, int outboundSpi) {
        for (Binding b : bindings.values()) {
            for (SecurityAssociation[] pair : b.pairs) {
                if (pair[0].spi() == inboundSpi && pair[1].spi() == outboundSpi) {
                    return new ChildSaUsage(pair[0].counters().bytes(), pair[0].counters().packets(),
                            pair[1].counters().bytes(), pair[1].counters().packets());
                }
            }
        }
        return null;
    }

    /**
     * Holds become outbound PROTECT policies (level require) that no SA is bound to, in the SPD's hold tier:
     * answered after every Child SA's own policy, they drop what would otherwise leave unprotected.
     */
    @Override
    public synchronized void hold(String key, List<TrafficSelector> selectors) {
        List<SecurityPolicy> policies = new ArrayList<>();
        for (TrafficSelector s : selectors) {
            policies.add(new SecurityPolicy(Direction.OUT, s, PolicyAction.protect(
                    IpsecTemplate.transport(SecurityProtocol.ESP)), "hold " + key));
        }
        dataPlane.spd().hold(key, policies);
    }

    @Override
    public synchronized void release(String key) {
        dataPlane.spd().release(key);
    }

    /**
     * Kept per reqid (for pairs installed later, and {@link #pathMtu}) and set as the probed value of the path MTU
     * of every pair of the reqid: the data plane's too-big replies and prefragmentation then use it where it is
     * below the link's MTU and what ICMP taught.
     */
    @Override
    public synchronized void updatePathMtu(int reqid, int pathMtu) {
        pathMtus.put(reqid, pathMtu);
        Binding b = bindings.get(reqid);
        if (b != null) {
            for (SecurityAssociation[] pair : b.pairs) {
                pair[1].pathMtu().setProbedMtu(pathMtu); // the pair shares it with the inbound SA
            }
        }
    }

    /** The path MTU IKE found for the pairs of {@code reqid}, or 0. */
    public synchronized int pathMtu(int reqid) {
        return pathMtus.getOrDefault(reqid, 0);
    }

    /**
     * Kept per reqid (for pairs installed later, also before the first pair) and set as the search base of the
     * path MTU of every pair of the reqid: their SYNs are clamped to it, their packets are not.
     */
    @Override
    public synchronized void updatePathMtuSearchBase(int reqid, int base) {
        if (base == 0) {
            searchBases.remove(reqid);
        } else {
            searchBases.put(reqid, base);
        }
        Binding b = bindings.get(reqid);
        if (b != null) {
            for (SecurityAssociation[] pair : b.pairs) {
                pair[1].pathMtu().setSearchBase(base);
            }
        }
    }

    /** The search base IKE set for the SYNs of the pairs of {@code reqid}, or 0. */
    public synchronized int pathMtuSearchBase(int reqid) {
        return searchBases.getOrDefault(reqid, 0);
    }

    /** The key of the hold a policy belongs to, or null if it is not one of ours. */
    public static String holdKey(SecurityPolicy policy) {
        String name = policy.name();
        return name != null && name.startsWith("hold ") ? name.substring(5) : null;
    }

    /** Installed pairs, for tests and status. */
    public synchronized int pairs() {
        int n = 0;
        for (Binding b : bindings.values()) {
            n += b.pairs.size();
        }
        return n;
    }
}
