/**
 * IKEv2 crypto: the PRFs and prf+ (RFC 7296 §2.13), the Diffie-Hellman groups with the peer checks of
 * RFC 6989, the derivation of IKE and Child SA keys (§2.14, §2.17, §2.18) and {@link
 * org.ipsec4j.ike.crypto.SkCipher}, which protects the body of the SK and SKF payloads (§3.14, RFC 5282,
 * RFC 7634). Everything comes from the JDK's providers. Secrets: ICVs are compared in constant time, keys
 * are never logged or printed, and every object holding a key has a {@code destroy()} that zeroes the
 * arrays it owns.
 */
package org.ipsec4j.ike.crypto;
