package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

/**
 * One Child SA pair as IKE tracks it: its SPIs (inbound is ours, outbound the peer's), suite, negotiated
 * selectors, the reqid that ties it to its policies across rekeys, and its timers.
 */
final class ChildSa {

    enum State { INSTALLED, REKEYING, REKEYED, DELETING }

    final ChildConnection config;
    final int reqid;
    final int inboundSpi;
    final int outboundSpi;
    final EspSuite suite;
    final List<SelectorRange> localSelectors;
    final List<SelectorRange> remoteSelectors;
    final boolean encapsulated;
    State state = State.INSTALLED;
    long installedAt;
    long rekeyAt = Long.MAX_VALUE;
    long expireAt = Long.MAX_VALUE;
    /** Set while a peer's rekey of this SA (a collision with ours) produced a replacement: §2.8.1. */
    ChildSa peerReplacement;
    byte[] peerReplacementLowestNonce;
    boolean removed;
    long inboundPacketsSeen;
    /** ESP path watch ({@link EspPathMonitor}): inbound packets last seen, when they last grew, outbound then. */
    long espInboundSeen;
    long espInboundAt;
    long espOutboundAtInbound;
    /** Null while the ESP path is fine; the failure and its likely cause otherwise. */
    String espPathFailure;

    ChildSa(ChildConnection config, int reqid, int inboundSpi, int outboundSpi, EspSuite suite,
            List<SelectorRange> localSelectors, List<SelectorRange> remoteSelectors, boolean encapsulated) {
        this.config = config;
        this.reqid = reqid;
        this.inboundSpi = inboundSpi;
        this.outboundSpi = outboundSpi;
        this.suite = suite;
        this.localSelectors = List.copyOf(localSelectors);
        this.remoteSelectors = List.copyOf(remoteSelectors);
        this.encapsulated = encapsulated;
    }

    String name() {
        return config.name();
    }

    void removeFromKernel(IpsecKernel kernel) {
        if (!removed) {
            removed = true;
            kernel.remove(reqid, inboundSpi, outboundSpi);
        }
    }

    String describe() {
        return config.name() + " {" + Integer.toHexString(inboundSpi) + "_i " + Integer.toHexString(outboundSpi) + "_o} "
                + suite + " " + localSelectors + " === " + remoteSelectors;
    }

    ChildSaStatus status(IpsecKernel kernel) {
        IpsecKernel.ChildSaUsage u = kernel.usage(inboundSpi, outboundSpi);
        List<String> l = new ArrayList<>();
        for (SelectorRange s : localSelectors) {
            l.add(s.toString());
        }
        List<String> r = new ArrayList<>();
        for (SelectorRange s : remoteSelectors) {
            r.add(s.toString());
        }
        return new ChildSaStatus(config.name(), state.name(), reqid, inboundSpi, outboundSpi, suite.toString(),
                config.mode().name(), encapsulated, l, r, u == null ? 0 : u.inboundBytes(),
                u == null ? 0 : u.inboundPackets(), u == null ? 0 : u.outboundBytes(), u == null ? 0 : u.outboundPackets(),
                espPathFailure);
    }
}
