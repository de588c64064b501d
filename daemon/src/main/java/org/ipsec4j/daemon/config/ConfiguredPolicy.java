package org.ipsec4j.daemon.config;

import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.esp.spd.SecurityPolicy;

/** An SPD entry and the setkey statement it came from. */
public final class ConfiguredPolicy {

    private final PolicyDefinition definition;
    private final SecurityPolicy policy;

    ConfiguredPolicy(PolicyDefinition definition, SecurityPolicy policy) {
        this.definition = definition;
        this.policy = policy;
    }

    PolicyDefinition definition() {
        return definition;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    /** The policy as setkey writes it, e.g. {@code 10.0.1.0/24[any] 10.0.2.0/24[any] any -P out ipsec ...}. */
    public String setkeyText() {
        return definition.text();
    }

    /** The kernel-style priority (smaller first). */
    public long priority() {
        return definition.priority();
    }

    public SourcePosition position() {
        return definition.position();
    }

    @Override
    public String toString() {
        return policy.toString();
    }
}
