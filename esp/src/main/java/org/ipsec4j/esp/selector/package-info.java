/**
 * Selectors (RFC 4301 §4.4.1.1): addresses and ranges of either family, ports with ANY and OPAQUE, ICMP type
 * and code in RFC 4301's 16-bit encoding, the {@link org.ipsec4j.esp.selector.TrafficSelector} of a policy and
 * the {@link org.ipsec4j.esp.selector.PacketSelector values of a packet}, derived through the wire views by
 * {@link org.ipsec4j.esp.selector.PacketClassifier}.
 */
package org.ipsec4j.esp.selector;
