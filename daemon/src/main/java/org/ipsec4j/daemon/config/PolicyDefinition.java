package org.ipsec4j.daemon.config;

import org.ipsec4j.daemon.config.setkey.PolicyDirection;
import org.ipsec4j.daemon.config.setkey.PolicySelector;
import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * One {@code spdadd} translated: the SPD direction, RFC 4301 selectors as seen from this host, the action, and
 * the kernel-style priority that orders it (smaller first; equal ones keep file order).
 *
 * @param setkeySelector  the selector as written, which {@code spdupdate} and {@code spddelete} match on
 * @param setkeyDirection the direction as written
 * @param text            the policy as setkey would print it, for status output
 * @param peerOnly        the policy is the peer's half of a file both sides load: its tunnel starts at the peer
 *                        (or, in transport mode, its local host is not this one); kept for spdupdate and
 *                        spddelete, never installed here
 */
record PolicyDefinition(PolicySelector setkeySelector, PolicyDirection setkeyDirection, Direction direction,
        TrafficSelector selector, PolicyAction action, long priority, String text, SourcePosition position,
        boolean peerOnly) {

    /** Same selector and direction, the key of setkey's policy table. */
    boolean sameKey(PolicySelector otherSelector, PolicyDirection otherDirection) {
        return setkeySelector.equals(otherSelector) && setkeyDirection == otherDirection;
    }

    /** Same in everything that affects packets (a reload keeps such a policy, hit counter and all). */
    boolean sameAs(PolicyDefinition other) {
        return setkeySelector.equals(other.setkeySelector) && setkeyDirection == other.setkeyDirection
                && action.equals(other.action) && priority == other.priority;
    }
}
