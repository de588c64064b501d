package org.ipsec4j.daemon.config;

import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.esp.sad.SecurityAssociation;

/** An installed SA and the setkey statement it came from. */
public final class ConfiguredSa {

    private final SaDefinition definition;
    private final SecurityAssociation sa;

    ConfiguredSa(SaDefinition definition, SecurityAssociation sa) {
        this.definition = definition;
        this.sa = sa;
    }

    SaDefinition definition() {
        return definition;
    }

    public SecurityAssociation sa() {
        return sa;
    }

    /** Where its {@code add} statement starts. */
    public SourcePosition position() {
        return definition.position();
    }

    @Override
    public String toString() {
        return sa.description();
    }
}
