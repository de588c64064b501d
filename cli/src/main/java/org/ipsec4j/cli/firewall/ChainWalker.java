package org.ipsec4j.cli.firewall;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Walks a packet through a chain and the chains it jumps to, as netfilter does: the first matching rule with
 * a verdict decides; RETURN or the end of a called chain goes back to the caller; the end of a built-in or base
 * chain applies its policy.
 */
final class ChainWalker {

    /** iptables refuses deeper nesting; a loop in hand-written input must not hang us. */
    private static final int MAX_DEPTH = 64;

    private ChainWalker() {
    }

    /**
     * @param chains the chains a jump may name (one table's)
     * @param trail where matched rules that did not decide are added
     * @param noTrack set to true when a NOTRACK rule matched
     */
    static Decision walk(Chain start, Function<String, Chain> chains, Packet p, List<RuleRef> trail, boolean[] noTrack) {
        record Frame(Chain chain, int next) {
        }
        Deque<Frame> stack = new ArrayDeque<>();
        Chain chain = start;
        int index = 0;
        while (true) {
            if (index >= chain.rules.size()) {
                if (stack.isEmpty()) {
                    return policy(start, trail);
                }
                Frame back = stack.pop();
                chain = back.chain();
                index = back.next();
                continue;
            }
            Chain.Rule rule = chain.rules.get(index);
            if (!rule.matches(p)) {
                index++;
                continue;
            }
            switch (rule.target()) {
                case Target.Verdict v -> {
                    return new Decision(v.fate(), rule.ref(chain.name), trail, chain.table, chain.name, index);
                }
                case Target.Jump j -> {
                    trail.add(rule.ref(chain.name));
                    if (stack.size() >= MAX_DEPTH) {
                        throw new IllegalStateException("jumps nested deeper than " + MAX_DEPTH + " at line " + rule.line());
                    }
                    stack.push(new Frame(chain, index + 1));
                    chain = chains.apply(j.chain());
                    index = 0;
                }
                case Target.Goto g -> {
                    trail.add(rule.ref(chain.name));
                    chain = chains.apply(g.chain());
                    index = 0;
                }
                case Target.Return r -> {
                    trail.add(rule.ref(chain.name));
                    if (stack.isEmpty()) {
                        return policy(start, trail);
                    }
                    Frame back = stack.pop();
                    chain = back.chain();
                    index = back.next();
                }
                case Target.Continue c -> {
                    trail.add(rule.ref(chain.name));
                    index++;
                }
                case Target.NoTrack n -> {
                    trail.add(rule.ref(chain.name));
                    noTrack[0] = true;
                    index++;
                }
            }
        }
    }

    /** The base chain's policy decides (also after a goto: the chain gone to has none). */
    private static Decision policy(Chain base, List<RuleRef> trail) {
        return new Decision(base.policy, base.policyRef, trail, base.table, base.name, base.rules.size());
    }

    static Function<String, Chain> lookup(Map<String, Chain> chains) {
        return name -> {
            Chain c = chains.get(name);
            if (c == null) {
                throw new IllegalStateException("no chain " + name);
            }
            return c;
        };
    }
}
