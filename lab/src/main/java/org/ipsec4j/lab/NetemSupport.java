package org.ipsec4j.lab;

/**
 * Whether this kernel has the netem qdisc (delay, loss, reordering by {@code tc}). Many CI kernels lack it;
 * random loss is then still available through {@link LinkEnd#setEgressLoss}.
 *
 * @param available whether {@code tc qdisc add ... netem} worked
 * @param detail    what the probe saw, e.g. tc's "Specified qdisc kind is unknown."
 */
public record NetemSupport(boolean available, String detail) {
}
