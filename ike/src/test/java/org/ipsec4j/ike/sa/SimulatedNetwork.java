package org.ipsec4j.ike.sa;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.InboundResult;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.wire.Icmpv4Message;
import org.ipsec4j.wire.Icmpv6Message;
import org.ipsec4j.wire.InternetChecksum;
import org.ipsec4j.wire.Ipv4Packet;

/**
 * Two (or more) IKE engines with their ESP data planes on a simulated IPv4 or IPv6 link with a simulated
 * clock: loss, reordering, duplication and a (IPv4) NAT are functions on the datagrams in flight.
 * Deterministic for a seed apart from the engines' own SecureRandom; a day of rekeys runs in a moment because
 * time jumps to the next deadline.
 */
final class SimulatedNetwork {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    /** One host: an engine, its data plane and what it reported. */
    final class Host {
        final String name;
        final IpAddress address;
        final DataPlane dataPlane = new DataPlane(new SecurityPolicyDatabase(), new SecurityAssociationDatabase(random));
        final DataPlaneKernel kernel = new DataPlaneKernel(dataPlane, () -> now);
        final List<IkeEvent> events = new ArrayList<>();
        final IkeEngine engine;
        /** Source NAT in front of this host: its outside address, or null. */
        IpAddress natOutside;
        int natPortBase;
        /** NAT keepalives (RFC 3948 §2.3) its data plane sent while {@link #keepalives} was on. */
        int keepalivesSent;
        /** UDP ports of the last keepalive: local, remote. */
        int[] lastKeepalivePorts;

        Host(String name, IpAddress address, SharedKeys keys, IkeSettings settings) {
            this.name = name;
            this.address = address;
            this.engine = new IkeEngine(settings, kernel, keys, seededRandom(random.nextLong()), wallClock, events::add);
            // As the daemon wires them (there through the IKE thread's queue): verified ESP from a new mapping.
            dataPlane.setPeerMoveListener((sa, a, port) -> engine.espPeerMoved(sa.spi(), new Endpoint(a, port), now));
        }

        List<IkeEvent> events(IkeEvent.Kind kind) {
            return events.stream().filter(e -> e.kind() == kind).toList();
        }

        /** Every IKE SA the engine knows, in any state. */
        List<IkeSaStatus> ikeSas() {
            return engine.status();
        }

        IkeSaStatus onlyIkeSa() {
            List<IkeSaStatus> s = engine.status().stream().filter(x -> x.state().equals("ESTABLISHED")).toList();
            if (s.size() != 1) {
                throw new AssertionError(name + ": expected one established IKE SA, have " + engine.status());
            }
            return s.get(0);
        }
    }

    final Random random;
    final Clock wallClock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    long now = 1_000 * SECOND;
    final List<Host> hosts = new ArrayList<>();
    /** Datagrams in flight: delivered in order unless a test reorders them. */
    final Deque<IkeDatagram> inFlight = new ArrayDeque<>();
    /** Drops a datagram when true (loss, a firewall). */
    Predicate<IkeDatagram> drop = d -> false;
    /** Delivers a datagram twice when true. */
    Predicate<IkeDatagram> duplicate = d -> false;
    /** Sees every datagram as it enters the link (after the sender's NAT), dropped or not. */
    Consumer<IkeDatagram> tap = d -> { };
    /** Drops an ESP packet (the whole outer IP packet, after the sender's NAT) when true: a firewall for ESP. */
    Predicate<byte[]> dropEsp = p -> false;
    /** Whether to deliver the queue in reverse order (reordering). */
    boolean reorder;
    /** Whether the hosts' data planes send NAT keepalives when due (counted, not delivered). */
    boolean keepalives;
    long delivered;
    long droppedByLink;
    private final Map<String, IpAddress> natInsideByPort = new HashMap<>();
    private final Map<String, Integer> natPortByInside = new HashMap<>();

    SimulatedNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** A SecureRandom that repeats for a seed, so a failing run can be replayed (tests only). */
    static SecureRandom seededRandom(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    Host host(String name, String address, SharedKeys keys, IkeSettings settings) {
        Host h = new Host(name, IpAddress.parse(address), keys, settings);
        hosts.add(h);
        return h;
    }

    /** Puts a source NAT in front of {@code h}: its datagrams leave from {@code outside} with mapped ports. */
    void natInFrontOf(Host h, String outside, int portBase) {
        h.natOutside = IpAddress.parse(outside);
        h.natPortBase = portBase;
    }

    /** The NAT forgets its mappings: the next datagram gets a new outside port (a NAT reboot or timeout). */
    void natRebinds(Host h) {
        natInsideByPort.clear();
        natPortByInside.clear();
        h.natPortBase += 1000;
    }

    /** Runs until nothing is in flight and no deadline falls before {@code now + duration}. */
    void run(Duration duration) {
        long end = now + duration.toNanos();
        for (int guard = 0; guard < 1_000_000; guard++) {
            collect();
            if (!inFlight.isEmpty()) {
                deliverAll();
                continue;
            }
            long next = Long.MAX_VALUE;
            for (Host h : hosts) {
                next = Math.min(next, h.engine.nextDeadline());
                if (keepalives) {
                    next = Math.min(next, h.dataPlane.nextKeepaliveNanos());
                }
            }
            if (next > end) {
                now = end;
                return;
            }
            now = Math.max(now, next);
            for (Host h : hosts) {
                h.engine.onTimer(now);
                if (keepalives) {
                    sendKeepalives(h);
                }
            }
        }
        throw new AssertionError("simulation did not settle: a deadline at " + now + " is not advancing");
    }

    /**
     * Runs {@code duration} in slices of {@code step}, calling {@code each} after every slice (to interleave
     * traffic or commands with the engines' own timers).
     */
    void run(Duration duration, Duration step, Runnable each) {
        long end = now + duration.toNanos();
        while (now < end) {
            run(Duration.ofNanos(Math.min(step.toNanos(), end - now)));
            each.run();
        }
    }

    /** Delivers what is in flight (and what that provokes) without letting time pass. */
    void settle() {
        run(Duration.ZERO);
    }

    private void sendKeepalives(Host h) {
        byte[] buf = new byte[256];
        OutboundResult r = new OutboundResult();
        while (h.dataPlane.nextKeepalive(buf, 0, now, r) != null) {
            h.keepalivesSent++;
            h.lastKeepalivePorts = new int[] {r.sourcePort(), r.destinationPort()};
        }
    }

    /** Hands a datagram to the link as if {@code from}'s engine had sent it (forged or replayed traffic). */
    void inject(Host from, IkeDatagram d) {
        IkeDatagram out = from == null ? d : outboundNat(from, d);
        tap.accept(out);
        inFlight.add(out);
    }

    private void collect() {
        for (Host h : hosts) {
            for (IkeDatagram d : h.engine.drainOutgoing()) {
                IkeDatagram out = outboundNat(h, d);
                tap.accept(out);
                inFlight.add(out);
            }
        }
    }

    private void deliverAll() {
        List<IkeDatagram> batch = new ArrayList<>(inFlight);
        inFlight.clear();
        if (reorder && batch.size() > 1) {
            java.util.Collections.reverse(batch);
        }
        for (IkeDatagram d : batch) {
            if (drop.test(d)) {
                droppedByLink++;
                continue;
            }
            deliver(d);
            if (duplicate.test(d)) {
                deliver(d);
            }
        }
    }

    private void deliver(IkeDatagram d) {
        for (Host h : hosts) {
            IpAddress visible = h.natOutside != null ? h.natOutside : h.address;
            if (visible.equals(d.remote().address())) {
                IkeDatagram in = inboundNat(h, d);
                if (in != null) {
                    delivered++;
                    // The receiver sees the datagram from its own side: local = where it arrived.
                    h.engine.receive(new IkeDatagram(in.remote(), in.local(), in.data()), now);
                }
            }
        }
    }

    private IkeDatagram outboundNat(Host h, IkeDatagram d) {
        if (h.natOutside == null) {
            return d;
        }
        int port = natMapping(h, d.local());
        return new IkeDatagram(new Endpoint(h.natOutside, port), d.remote(), d.data(), d.dontFragment());
    }

    /** The NAT's outside port for an inside endpoint of {@code h}, made on first use as a NAT does. */
    private int natMapping(Host h, Endpoint inside) {
        String key = inside.toString();
        Integer port = natPortByInside.get(key);
        if (port == null) {
            port = h.natPortBase + natPortByInside.size();
            natPortByInside.put(key, port);
            natInsideByPort.put(Integer.toString(port), inside.address());
        }
        return port;
    }

    /** A datagram travelling {@code local → remote} (sender's view) enters {@code h}, through its NAT if any. */
    private IkeDatagram inboundNat(Host h, IkeDatagram d) {
        if (h.natOutside == null) {
            return d;
        }
        for (Map.Entry<String, Integer> e : natPortByInside.entrySet()) {
            if (e.getValue() == d.remote().port()) {
                String inside = e.getKey();
                int colon = inside.lastIndexOf(':');
                Endpoint to = new Endpoint(IpAddress.parse(inside.substring(0, colon)),
                        Integer.parseInt(inside.substring(colon + 1)));
                return new IkeDatagram(d.local(), to, d.data(), d.dontFragment());
            }
        }
        droppedByLink++;
        return null; // no mapping: a NAT drops it
    }

    // ---- traffic through the data planes --------------------------------------------------------------

    /**
     * Sends one echo request from {@code from}'s inner address to {@code toInner} through both data planes
     * (NAT applied to ESP-in-UDP the way it is to IKE) and reports whether it was delivered.
     */
    boolean ping(Host from, String fromInner, Host to, String toInner, int sequence) {
        byte[] buf = new byte[4096];
        int off = DataPlane.HEADROOM;
        IpAddress src = IpAddress.parse(fromInner);
        IpAddress dst = IpAddress.parse(toInner);
        int len;
        if (src.family() == IpFamily.IPV4) {
            len = Icmpv4Message.writeEchoPacket(buf, off, src.ipv4Value(), dst.ipv4Value(), 64,
                    Icmpv4Message.TYPE_ECHO_REQUEST, 7, sequence, 56);
        } else {
            byte[] a = src.toBytes();
            byte[] b = dst.toBytes();
            len = Icmpv6Message.writeEchoPacket(buf, off, a, 0, b, 0, 64, Icmpv6Message.TYPE_ECHO_REQUEST, 7, sequence,
                    56);
        }
        OutboundResult out = from.dataPlane.processOutbound(buf, off, len, now, new OutboundResult());
        if (out.action() != OutboundResult.Action.SEND) {
            lastPing = "outbound " + out.action() + " " + out.dropReason();
            return false;
        }
        lastPingEncapsulated = out.udpEncapsulated();
        lastPingOuterSource = out.source();
        byte[] packet = java.util.Arrays.copyOfRange(out.buffer(), out.packetOffset(), out.packetOffset() + out.packetLength());
        if (from.natOutside != null) {
            packet = natRewriteSource(from, packet);
            if (packet == null) {
                lastPing = "no NAT mapping out of " + from.name;
                return false;
            }
        }
        if (to.natOutside != null) {
            packet = natRewriteDestination(to, packet);
            if (packet == null) {
                lastPing = "no NAT mapping into " + to.name;
                return false;
            }
        }
        if (dropEsp.test(packet)) {
            lastPing = "ESP dropped on the link";
            return false;
        }
        byte[] rbuf = new byte[4096];
        System.arraycopy(packet, 0, rbuf, DataPlane.HEADROOM, packet.length);
        InboundResult in = to.dataPlane.processInboundPacket(rbuf, DataPlane.HEADROOM, packet.length, now, new InboundResult());
        lastPing = "inbound " + in.action() + " " + in.dropReason();
        return in.action() == InboundResult.Action.DELIVER;
    }

    /** What happened to the last ping, for assertion messages. */
    String lastPing = "";
    boolean lastPingEncapsulated;
    IpAddress lastPingOuterSource;

    private byte[] natRewriteSource(Host h, byte[] p) {
        Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
        if (ip.protocol() != 17) {
            return null; // plain ESP does not cross this NAT
        }
        int udp = ip.headerLength();
        int sport = (p[udp] & 0xFF) << 8 | (p[udp + 1] & 0xFF);
        int mapped = natMapping(h, new Endpoint(h.address, sport));
        h.natOutside.writeTo(p, 12);
        p[udp] = (byte) (mapped >>> 8);
        p[udp + 1] = (byte) mapped;
        fixChecksums(p, udp);
        return p;
    }

    private byte[] natRewriteDestination(Host h, byte[] p) {
        Ipv4Packet ip = Ipv4Packet.parse(p, 0, p.length);
        if (ip.protocol() != 17) {
            return null;
        }
        int udp = ip.headerLength();
        int dport = (p[udp + 2] & 0xFF) << 8 | (p[udp + 3] & 0xFF);
        for (Map.Entry<String, Integer> e : natPortByInside.entrySet()) {
            if (e.getValue() == dport) {
                String inside = e.getKey();
                int colon = inside.lastIndexOf(':');
                IpAddress.parse(inside.substring(0, colon)).writeTo(p, 16);
                int port = Integer.parseInt(inside.substring(colon + 1));
                p[udp + 2] = (byte) (port >>> 8);
                p[udp + 3] = (byte) port;
                fixChecksums(p, udp);
                return p;
            }
        }
        return null;
    }

    private static void fixChecksums(byte[] p, int udp) {
        p[udp + 6] = 0; // RFC 3948 §2.1: a zero UDP checksum is allowed for ESP in UDP over IPv4
        p[udp + 7] = 0;
        p[10] = 0;
        p[11] = 0;
        int c = InternetChecksum.compute(p, 0, udp);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
    }
}
