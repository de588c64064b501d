package org.ipsec4j.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;

/**
 * The fuzzing harness shared by {@link IkeEngineFuzzTest} (Jazzer) and {@link ArbitraryDatagramsProperties}
 * (jqwik): an input describes a moment in a tunnel's life and datagrams to throw at the engines then —
 * arbitrary bytes or mutations of the messages the two peers really exchanged (same SPIs, so they reach the
 * IKE SA state machines). Nothing may escape {@link IkeEngine#receive}, and the tunnel must keep working.
 *
 * <p>Input layout (bytes past the end read as zero): phase, datagram count, then per datagram a base
 * (captured message or none), a target side, a source port choice, a number of edits and the edits
 * (offset high, offset low, operation, value); a datagram without a base takes its bytes from the rest of
 * the input.
 */
final class ArbitraryDatagrams {

    enum Phase {
        /** Both peers up; then a Child SA rekey still works. */
        ESTABLISHED,
        /** IKE_SA_INIT done, the initiator's IKE_AUTH held back until the datagrams are in. */
        AWAITING_IKE_AUTH,
        /**
         * The initiator waits for the IKE_SA_INIT response, which is unauthenticated: a forged one with the
         * right SPI may legitimately derail this handshake, so only robustness is checked.
         */
        AWAITING_IKE_SA_INIT_RESPONSE
    }

    private final byte[] input;
    private int position;

    private ArbitraryDatagrams(byte[] input) {
        this.input = input;
    }

    static void feed(byte[] input) {
        new ArbitraryDatagrams(input).run();
    }

    private int next() {
        return position < input.length ? input[position++] & 0xFF : 0;
    }

    private void run() {
        Phase phase = Phase.values()[next() % Phase.values().length];
        SiteToSite t = new SiteToSite(1234).both((c, ch) -> c.ike = List.of(Peers.ikeGcm(Peers.X25519))).install();
        List<IkeDatagram> captured = new ArrayList<>();
        List<IkeDatagram> held = new ArrayList<>();
        t.net.tap = captured::add;
        switch (phase) {
            case ESTABLISHED -> {
                t.up();
                t.left.engine.rekeyChild("net", "net", t.net.now); // CREATE_CHILD_SA and INFORMATIONAL to mutate
                t.net.run(Duration.ofSeconds(5));
            }
            case AWAITING_IKE_AUTH -> {
                t.net.drop = d -> {
                    if (Messages.isRequest(d, ExchangeType.IKE_AUTH)) {
                        held.add(d);
                        return true;
                    }
                    return false;
                };
                t.left.engine.initiate("net", null, t.net.now);
                t.net.settle();
            }
            case AWAITING_IKE_SA_INIT_RESPONSE -> {
                t.net.drop = d -> {
                    if (Messages.isResponse(d, ExchangeType.IKE_SA_INIT)) {
                        held.add(d);
                        return true;
                    }
                    return false;
                };
                t.left.engine.initiate("net", null, t.net.now);
                t.net.settle();
            }
        }
        List<IkeDatagram> bases = List.copyOf(captured);
        t.net.drop = d -> false;
        t.net.tap = d -> { };
        long leftSpi = phase == Phase.ESTABLISHED ? t.left.onlyIkeSa().initiatorSpi() : 0;

        int count = 1 + next() % 4;
        for (int i = 0; i < count; i++) {
            inject(t, bases);
        }
        t.net.settle();
        for (IkeDatagram d : held) {
            t.net.inject(null, d);
        }
        t.net.run(Duration.ofSeconds(10));

        if (phase == Phase.AWAITING_IKE_SA_INIT_RESPONSE) {
            t.net.run(Duration.ofMinutes(3)); // whatever happened must settle without an exception
            return;
        }
        IkeSaStatus l = original(t.left, leftSpi);
        IkeSaStatus r = original(t.right, l.initiatorSpi());
        assertEquals(l.responderSpi(), r.responderSpi());
        assertEquals(1, l.children().size(), t::describe);
        assertEquals(1, r.children().size(), t::describe);
        assertEquals(l.children().get(0).inboundSpi(), r.children().get(0).outboundSpi(), t::describe);
        t.assertPingsBothWays();
        t.left.engine.rekeyChild("net", "net", t.net.now);
        t.net.run(Duration.ofSeconds(5));
        assertEquals(1, original(t.left, l.initiatorSpi()).children().size(), t::describe);
        t.assertPingsBothWays();
        // Forged IKE_SA_INIT requests may leave half-open SAs, but never more than the datagrams we sent.
        assertTrue(t.right.ikeSas().size() <= 1 + count && t.left.ikeSas().size() <= 1 + count, t::describe);
    }

    /** The established IKE SA with this initiator SPI (any, if 0): the one the scene brought up. */
    private static IkeSaStatus original(SimulatedNetwork.Host h, long spiI) {
        for (IkeSaStatus s : h.ikeSas()) {
            if (s.state().equals("ESTABLISHED") && (spiI == 0 ? s.remoteId().endsWith("@example.org")
                    && s.initiator() == h.name.equals("left") : s.initiatorSpi() == spiI)) {
                return s;
            }
        }
        throw new AssertionError(h.name + " lost the tunnel's IKE SA: " + h.ikeSas() + "\n" + h.events);
    }

    private void inject(SiteToSite t, List<IkeDatagram> bases) {
        int base = next();
        boolean toLeft = (next() & 1) == 1;
        int portChoice = next() % 3;
        int edits = next() % 8;
        byte[] data;
        if (base % 4 == 0 || bases.isEmpty()) {
            int length = next() << 8 | next();
            length = Math.min(length % 2048, Math.max(0, input.length - position));
            data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) next();
            }
        } else {
            // A message the peer really sent towards this side: its SPIs are live.
            List<IkeDatagram> towards = new ArrayList<>();
            SimulatedNetwork.Host target = toLeft ? t.left : t.right;
            for (IkeDatagram d : bases) {
                if (d.remote().address().equals(target.address)) {
                    towards.add(d);
                }
            }
            data = towards.isEmpty() ? new byte[0] : towards.get(base % towards.size()).data().clone();
        }
        for (int e = 0; e < edits; e++) {
            int offset = next() << 8 | next();
            int op = next() % 4;
            int value = next();
            if (data.length == 0) {
                break;
            }
            int at = offset % data.length;
            switch (op) {
                case 0 -> data[at] ^= (byte) (value == 0 ? 1 : value);
                case 1 -> data[at] = (byte) value;
                case 2 -> data = java.util.Arrays.copyOf(data, at); // truncate
                default -> data = java.util.Arrays.copyOf(data, data.length + 1 + value); // extend with zeros
            }
        }
        SimulatedNetwork.Host from = toLeft ? t.right : t.left;
        SimulatedNetwork.Host to = toLeft ? t.left : t.right;
        int port = switch (portChoice) {
            case 0 -> 500;
            case 1 -> 4500;
            default -> 1024 + (data.length * 31) % 60000;
        };
        t.net.inject(null, new IkeDatagram(new Endpoint(from.address, port), new Endpoint(to.address, port == 4500
                ? 4500 : 500), data));
    }
}
