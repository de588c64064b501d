/**
 * The Security Association Database (RFC 4301 §4.4.2): {@link org.ipsec4j.esp.sad.SecurityAssociation SAs}
 * with their codecs, replay windows, sequence counters, lifetimes and counters; inbound lookup by SPI, random
 * SPI allocation, and lifetime {@link org.ipsec4j.esp.sad.LifetimeEvent events} for IKE.
 */
package org.ipsec4j.esp.sad;
