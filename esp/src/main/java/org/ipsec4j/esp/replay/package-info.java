/**
 * Sequence numbers: the receiver's anti-replay window with extended sequence number inference (RFC 4303
 * §3.4.3 and Appendix A, RFC 4304) and the sender's counter that never wraps (RFC 4303 §3.3.3).
 */
package org.ipsec4j.esp.replay;
