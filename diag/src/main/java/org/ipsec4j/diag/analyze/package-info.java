/**
 * {@code ipsec4j analyze}: reads a capture as a stream and explains what IPsec did on it.
 *
 * <p>{@link org.ipsec4j.diag.analyze.CaptureAnalyzer} takes packets one at a time and hands them, once
 * dissected ({@link org.ipsec4j.diag.analyze.PacketDissector}), to small trackers: IKE SAs and their exchanges
 * ({@link org.ipsec4j.diag.analyze.IkeSaTracker}), ESP flows per SPI, direction and interface
 * ({@link org.ipsec4j.diag.analyze.EspFlowTable}), IP fragment trains
 * ({@link org.ipsec4j.diag.analyze.FragmentTrainTracker}), ICMP errors tied to the packets they quote
 * ({@link org.ipsec4j.diag.analyze.IcmpQuoteMatcher}), NAT keepalives and IPv6 neighbour discovery. Every
 * table is bounded and evicts its oldest entries, so memory follows the number of live flows, not the file
 * size. At the end each {@link org.ipsec4j.diag.analyze.FindingDetector} looks at what the trackers saw and
 * reports {@link org.ipsec4j.diag.analyze.Finding}s with a stable id, a severity, the packet numbers that prove
 * them, the likely cause and the fix.
 *
 * <p>Without keys only the clear parts are decoded: IKE headers, clear payloads and the still-encrypted SK
 * payload, ESP SPIs and sequence numbers. A {@link org.ipsec4j.diag.analyze.KeySource} is where decryption
 * plugs in: {@link org.ipsec4j.diag.analyze.KeyLogKeySource} opens messages and packets with the keys of a key
 * log (the ike module's {@code ike.keys}), {@link org.ipsec4j.diag.analyze.InnerPayloads} puts what they held in
 * words, and {@link org.ipsec4j.diag.analyze.IkeErrorNotifyDetector} turns the error notifies inside into
 * findings.
 */
package org.ipsec4j.diag.analyze;
