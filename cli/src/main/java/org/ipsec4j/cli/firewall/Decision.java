package org.ipsec4j.cli.firewall;

import java.util.List;

/**
 * A packet's fate and the rule that decided it.
 *
 * @param trail the matching rules walked on the way that did not decide alone (jumps, LOG, an accept in an
 *        earlier base chain), in order
 * @param chain where the deciding rule sits (the chain a fix goes into)
 * @param position the index of the deciding rule in that chain, or the chain's length when its policy decided
 */
public record Decision(Fate fate, RuleRef decidedBy, List<RuleRef> trail, String table, String chain, int position) {

    public Decision {
        trail = List.copyOf(trail);
    }

    /** The chain's end was reached: the policy decided. */
    public boolean byPolicy(int chainLength) {
        return position >= chainLength;
    }
}
