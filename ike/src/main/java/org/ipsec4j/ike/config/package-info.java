/**
 * The configuration model and a parser for the subset of strongSwan's swanctl.conf that ipsec4j implements:
 * IKEv2 connections with one psk or pubkey authentication round per side, Child SAs, virtual IP pools and IKE
 * pre-shared keys. {@link org.ipsec4j.ike.config.SwanctlParser} reads the file into a
 * {@link org.ipsec4j.ike.config.SwanctlConfig}; {@link org.ipsec4j.ike.config.ProposalParser} and
 * {@link org.ipsec4j.ike.config.TrafficSelectorSpec} also parse proposal and selector strings on their own.
 *
 * <p>Self-contained: algorithms are IANA transform ids (RFC 7296 §3.3.2), identities and certificate file names
 * stay strings for the auth package. Whatever ipsec4j does not implement is an error with file, line, column
 * and key path, never silently ignored.
 */
package org.ipsec4j.ike.config;
