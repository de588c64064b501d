package org.ipsec4j.diag.analyze;

/**
 * What an ICMP error quotes, read from the quote itself: the kind of IPsec packet it was, its endpoints, and
 * for ESP the SPI and sequence number.
 *
 * @param kind        what the quoted packet carried
 * @param text        a one-line description, e.g. {@code ESP-in-UDP 192.0.2.1[4500] > 192.0.2.2[4500] spi 0x0badcafe seq 7}
 * @param length      the quoted packet's length as its IP header says
 * @param spi         the ESP SPI, or 0
 */
public record QuotedPacket(Kind kind, String text, boolean v6, NetAddress source, NetAddress destination, int protocol,
        int sourcePort, int destinationPort, int length, int spi, long sequence, boolean fragment) {

    public enum Kind {
        IKE, ESP, ESP_IN_UDP, NAT_KEEPALIVE, AH, FRAGMENT, OTHER;

        public String label() {
            return switch (this) {
                case IKE -> "IKE";
                case ESP -> "ESP";
                case ESP_IN_UDP -> "ESP-in-UDP";
                case NAT_KEEPALIVE -> "NAT-keepalive";
                case AH -> "AH";
                case FRAGMENT -> "non-initial fragment";
                case OTHER -> "other";
            };
        }

        /** IKE or ESP in any form: what the tunnel itself sends. */
        public boolean ipsec() {
            return this == IKE || this == ESP || this == ESP_IN_UDP || this == NAT_KEEPALIVE || this == AH;
        }
    }
}
