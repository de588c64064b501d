/**
 * Packet protection: the ESP codec (RFC 4303) with its transforms and size math, the AH codec (RFC 4302), and
 * the drop reasons they return. Sans-IO: byte arrays with offsets in, results out, no allocation of our own per
 * packet; one codec per SA per thread. Crypto comes from the JDK; see esp/README.md for the choices made.
 */
package org.ipsec4j.esp.crypto;
