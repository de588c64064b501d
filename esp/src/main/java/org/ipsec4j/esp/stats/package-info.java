/** Counters: packets, bytes and every {@link org.ipsec4j.esp.stats.DropReason drop reason}. */
package org.ipsec4j.esp.stats;
