/**
 * What the daemon keeps across restarts in its state directory ({@code --state-dir}): for every outbound
 * manually keyed SA, a reserved sequence-number high-water mark, so that a restarted daemon with the same keys
 * continues above every number it may have used. With AES-GCM and ChaCha20-Poly1305 the sequence number is the
 * nonce (RFC 4106 §3.1, RFC 7634 §2), and a repeated one breaks the cipher's security; any repeated number is
 * also dropped by the peer's anti-replay window (RFC 4303 §3.4.3).
 *
 * <p>{@link org.ipsec4j.daemon.state.SequenceStateFile} is the file format,
 * {@link org.ipsec4j.daemon.state.SequenceStateDirectory} reads and atomically writes the files, and a
 * {@link org.ipsec4j.daemon.state.SequenceReservation} keeps one SA's reservation ahead of its counter.
 */
package org.ipsec4j.daemon.state;
