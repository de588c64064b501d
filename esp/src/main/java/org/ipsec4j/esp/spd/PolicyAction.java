package org.ipsec4j.esp.spd;

import java.util.Objects;

/** What an SPD entry does with the packets it selects (RFC 4301 §4.4.1: PROTECT, BYPASS or DISCARD). */
public sealed interface PolicyAction {

    PolicyAction BYPASS = new Bypass();
    PolicyAction DISCARD = new Discard();

    /** Apply IPsec as the template says. */
    record Protect(IpsecTemplate template) implements PolicyAction {
        public Protect {
            Objects.requireNonNull(template, "template");
        }

        @Override
        public String toString() {
            return "protect " + template;
        }
    }

    /** Let the packet pass without IPsec. */
    record Bypass() implements PolicyAction {
        @Override
        public String toString() {
            return "bypass";
        }
    }

    /** Drop the packet. */
    record Discard() implements PolicyAction {
        @Override
        public String toString() {
            return "discard";
        }
    }

    static PolicyAction protect(IpsecTemplate template) {
        return new Protect(template);
    }
}
