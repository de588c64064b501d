package org.ipsec4j.daemon.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.ipsec4j.daemon.state.SequenceReservation;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.PolicyAction;

/** What the daemon runs now: the SAs in the order they were added and the policies in SPD order. */
public record ActiveConfiguration(List<ConfiguredSa> sas, List<ConfiguredPolicy> policies) {

    public static final ActiveConfiguration EMPTY = new ActiveConfiguration(List.of(), List.of());

    public ActiveConfiguration {
        sas = List.copyOf(sas);
        policies = List.copyOf(policies);
    }

    /** The sockets these SAs send and receive on. */
    public Set<OuterSocket> outerSockets() {
        Set<OuterSocket> sockets = new LinkedHashSet<>();
        for (ConfiguredSa configured : sas) {
            SecurityAssociation sa = configured.sa();
            sockets.add(OuterSocket.of(sa.localAddress().family(), sa.protocol(), sa.udpEncapsulation()));
        }
        return sockets;
    }

    /** The sequence-number reservations of the outbound SAs, for the timer to keep ahead. */
    public List<SequenceReservation> sequenceReservations() {
        return sas.stream().map(c -> c.definition().reservation()).filter(Objects::nonNull).toList();
    }

    /** The outbound PROTECT policies: their remote selectors are what the tunnel routes. */
    public List<ConfiguredPolicy> outboundProtectPolicies() {
        return policies.stream().filter(p -> p.policy().direction() == Direction.OUT
                && p.policy().action() instanceof PolicyAction.Protect).toList();
    }
}
