package org.ipsec4j.daemon.config.setkey;

import java.util.List;
import java.util.Objects;

/**
 * What a policy does with matching traffic (RFC 4301 section 4.4.1): setkey's {@code discard}, {@code none}
 * (BYPASS) or {@code ipsec} with one or more rules (PROTECT; several rules form a bundle, outermost last).
 */
public sealed interface PolicyAction {

    PolicyAction DISCARD = new Discard();
    PolicyAction BYPASS = new Bypass();

    /** setkey {@code discard}. */
    record Discard() implements PolicyAction {
        @Override
        public String toString() {
            return "discard";
        }
    }

    /** setkey {@code none}: no IPsec processing. */
    record Bypass() implements PolicyAction {
        @Override
        public String toString() {
            return "none";
        }
    }

    /** setkey {@code ipsec RULE...}. */
    record Protect(List<IpsecRequest> requests) implements PolicyAction {
        public Protect {
            requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
            if (requests.isEmpty()) {
                throw new IllegalArgumentException("ipsec needs at least one rule");
            }
        }

        public static Protect of(IpsecRequest... requests) {
            return new Protect(List.of(requests));
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("ipsec");
            requests.forEach(request -> text.append(' ').append(request));
            return text.toString();
        }
    }
}
