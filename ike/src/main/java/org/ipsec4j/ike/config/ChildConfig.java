package org.ipsec4j.ike.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;

/**
 * A Child SA configuration ({@code connections.<conn>.children.<child>}).
 *
 * @param name          the section name, unique within the connection
 * @param localTs       local traffic selectors (default {@code dynamic})
 * @param remoteTs      remote traffic selectors (default {@code dynamic})
 * @param espProposals  ESP proposals (default: {@link ProposalParser#DEFAULT_ESP})
 * @param mode          tunnel (default) or transport
 * @param startAction   what to do once the configuration is loaded (default {@link StartAction#NONE})
 * @param closeAction   what to do when the peer closes the Child SA (default {@link CloseAction#NONE})
 * @param dpdAction     what to do when DPD declares the peer dead (default {@link DpdAction#CLEAR})
 * @param rekeyTime     when to rekey (default 1h; zero: never), minus a random part of {@code randTime}
 * @param lifeTime      hard lifetime (default rekey_time + 10%)
 * @param randTime      range of the random time subtracted from rekey_time (default life_time - rekey_time)
 * @param replayWindow  anti-replay window in packets (default 32; 0 disables replay protection)
 * @param shunt         {@code mode = pass} or {@code drop}: not a Child SA but a shunt policy for the selectors,
 *                      installed with {@code start_action = trap} ({@link Shunt#NONE} for a real child)
 * @param dontFragment  the outer DF bit in tunnel mode: {@code copy_df} (strongSwan's yes/no: copy or clear) or
 *                      ipsec4j's {@code df_bit = copy|set|clear} (default copy)
 * @param prefragment   ipsec4j's {@code prefragment}: fragment too-big inner packets without DF before
 *                      encryption (default yes)
 */
public record ChildConfig(String name, List<TrafficSelectorSpec> localTs, List<TrafficSelectorSpec> remoteTs,
                          List<ProposalSpec> espProposals, IpsecMode mode, StartAction startAction,
                          CloseAction closeAction, DpdAction dpdAction, Duration rekeyTime, Duration lifeTime,
                          Duration randTime, int replayWindow, Shunt shunt, DontFragmentPolicy dontFragment,
                          boolean prefragment) {

    /** {@code mode = pass | drop}: swanctl's shunt policies. */
    public enum Shunt {
        /** A Child SA (mode tunnel or transport). */
        NONE,
        /** Traffic of the selectors bypasses IPsec, whatever else would protect it. */
        PASS,
        /** Traffic of the selectors is dropped. */
        DROP
    }

    /** {@code start_action}. */
    public enum StartAction {
        /** Load only: initiate on request, or act as responder. */
        NONE,
        /** Install trap policies: matching traffic starts the tunnel. */
        TRAP,
        /** Initiate right away. */
        START
    }

    /** {@code close_action}: what to do when the peer deletes the Child SA. */
    public enum CloseAction {
        NONE,
        /** Install a trap policy for it. */
        TRAP,
        /** Create it again. */
        START
    }

    /** {@code dpd_action}: what to do with this Child SA when DPD finds the peer dead. */
    public enum DpdAction {
        /** Close the Child SA (the default). */
        CLEAR,
        /** Close it and install a trap policy. */
        TRAP,
        /** Negotiate it again under a fresh IKE SA. */
        RESTART,
        /** Nothing (strongSwan 6's keyword). */
        NONE
    }

    public ChildConfig {
        Objects.requireNonNull(name, "name");
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        espProposals = List.copyOf(espProposals);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startAction, "startAction");
        Objects.requireNonNull(closeAction, "closeAction");
        Objects.requireNonNull(dpdAction, "dpdAction");
        Objects.requireNonNull(rekeyTime, "rekeyTime");
        Objects.requireNonNull(lifeTime, "lifeTime");
        Objects.requireNonNull(randTime, "randTime");
        Objects.requireNonNull(shunt, "shunt");
        if (localTs.isEmpty() || remoteTs.isEmpty() || espProposals.isEmpty()) {
            throw new IllegalArgumentException("child " + name + ": empty traffic selectors or proposals");
        }
        if (replayWindow < 0) {
            throw new IllegalArgumentException("replay window " + replayWindow);
        }
        Objects.requireNonNull(dontFragment, "dontFragment");
    }

    /** A Child SA (no shunt) with the default DF policy (copy) and prefragmentation. */
    public ChildConfig(String name, List<TrafficSelectorSpec> localTs, List<TrafficSelectorSpec> remoteTs,
                       List<ProposalSpec> espProposals, IpsecMode mode, StartAction startAction, CloseAction closeAction,
                       DpdAction dpdAction, Duration rekeyTime, Duration lifeTime, Duration randTime, int replayWindow) {
        this(name, localTs, remoteTs, espProposals, mode, startAction, closeAction, dpdAction, rekeyTime, lifeTime,
                randTime, replayWindow, Shunt.NONE, DontFragmentPolicy.COPY, true);
    }
}
