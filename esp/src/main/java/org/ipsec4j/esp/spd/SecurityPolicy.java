package org.ipsec4j.esp.spd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * One SPD entry: a direction, its selectors and its action. The selectors and action never change; what does
 * is the outbound SA a PROTECT policy currently sends through, which {@link #bindOutboundSa} replaces
 * atomically so IKE can install a new SA before it deletes the old one (make-before-break).
 */
public final class SecurityPolicy {

    private static final VarHandle OUTBOUND_SA;

    static {
        try {
            OUTBOUND_SA = MethodHandles.lookup().findVarHandle(SecurityPolicy.class, "outboundSa", SecurityAssociation.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Direction direction;
    private final TrafficSelector selector;
    private final PolicyAction action;
    private final String name;
    @SuppressWarnings("unused") // accessed through OUTBOUND_SA
    private volatile SecurityAssociation outboundSa;
    private long hits;

    public SecurityPolicy(Direction direction, TrafficSelector selector, PolicyAction action) {
        this(direction, selector, action, null);
    }

    /** @param name a label for status output and logs, or null */
    public SecurityPolicy(Direction direction, TrafficSelector selector, PolicyAction action, String name) {
        this.direction = Objects.requireNonNull(direction, "direction");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.action = Objects.requireNonNull(action, "action");
        this.name = name;
    }

    public Direction direction() {
        return direction;
    }

    public TrafficSelector selector() {
        return selector;
    }

    public PolicyAction action() {
        return action;
    }

    public String name() {
        return name;
    }

    /** The template of a PROTECT policy, or null. */
    public IpsecTemplate template() {
        return action instanceof PolicyAction.Protect p ? p.template() : null;
    }

    /** The SA outbound packets of this PROTECT policy go through now, or null if there is none yet. */
    public SecurityAssociation outboundSa() {
        return outboundSa;
    }

    /**
     * Points this policy at a new outbound SA (or none, with null) in one atomic step.
     *
     * @return the SA it pointed at before
     */
    public SecurityAssociation bindOutboundSa(SecurityAssociation sa) {
        if (sa != null && !(action instanceof PolicyAction.Protect)) {
            throw new IllegalStateException("only a PROTECT policy has SAs: " + this);
        }
        return (SecurityAssociation) OUTBOUND_SA.getAndSet(this, sa);
    }

    /** Unbinds {@code sa} if it is still the current one (for SA removal racing a rekey). */
    public boolean unbindOutboundSa(SecurityAssociation sa) {
        return OUTBOUND_SA.compareAndSet(this, sa, (SecurityAssociation) null);
    }

    /** Packets this policy decided (counted by the data plane's thread). */
    public long hits() {
        return hits;
    }

    public void recordHit() {
        hits++;
    }

    @Override
    public String toString() {
        return (name != null ? name + ": " : "") + direction.name().toLowerCase() + " " + selector + " " + action;
    }
}
