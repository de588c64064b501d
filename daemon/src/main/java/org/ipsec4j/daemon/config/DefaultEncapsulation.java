package org.ipsec4j.daemon.config;

/**
 * How ESP SAs that the setkey file adds as plain {@code esp} travel ({@code --encap}); an {@code esp-udp} SA
 * is always ESP in UDP with the ports the file gives, and AH never is (RFC 3948 encapsulates ESP only).
 */
public enum DefaultEncapsulation {
    /** ESP in UDP, port 4500 on both sides (RFC 3948): passes NATs and firewalls that drop protocol 50. */
    UDP,
    /** Raw ESP, IP protocol 50 (RFC 4303). */
    NONE
}
