package org.ipsec4j.ike.sa;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.ike.message.Proposal;

/**
 * One configured Child SA of a connection (swanctl.conf {@code children} entry).
 *
 * @param localSelectors our side's traffic selectors; empty means {@code dynamic}: our IKE address, or the
 *        virtual IP we were given
 * @param remoteSelectors the peer's side; empty means {@code dynamic}: the peer's address or the virtual IP
 *        we assigned it
 * @param espProposals ESP proposals in preference order; a DH transform means PFS on rekey
 * @param rekeyTime rekey interval; zero disables
 * @param lifeTime hard lifetime after which the SA dies if not rekeyed
 */
public record ChildConnection(String name, List<SelectorRange> localSelectors, List<SelectorRange> remoteSelectors,
                              List<Proposal> espProposals, IpsecMode mode, StartAction startAction,
                              DpdAction dpdAction, Duration rekeyTime, Duration lifeTime, Duration randTime,
                              int replayWindow, DontFragmentPolicy dontFragment, boolean prefragment) {

    public enum StartAction { NONE, TRAP, START }

    public enum DpdAction { NONE, CLEAR, TRAP, RESTART }

    public ChildConnection {
        Objects.requireNonNull(name, "name");
        localSelectors = List.copyOf(localSelectors);
        remoteSelectors = List.copyOf(remoteSelectors);
        espProposals = List.copyOf(espProposals);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startAction, "startAction");
        Objects.requireNonNull(dpdAction, "dpdAction");
        if (espProposals.isEmpty()) {
            throw new IllegalArgumentException(name + ": no ESP proposals");
        }
        Objects.requireNonNull(dontFragment, "dontFragment");
    }

    /** With the outer DF bit copied and prefragmentation on (the defaults). */
    public ChildConnection(String name, List<SelectorRange> localSelectors, List<SelectorRange> remoteSelectors,
                           List<Proposal> espProposals, IpsecMode mode, StartAction startAction, DpdAction dpdAction,
                           Duration rekeyTime, Duration lifeTime, Duration randTime, int replayWindow) {
        this(name, localSelectors, remoteSelectors, espProposals, mode, startAction, dpdAction, rekeyTime, lifeTime,
                randTime, replayWindow, DontFragmentPolicy.COPY, true);
    }
}
