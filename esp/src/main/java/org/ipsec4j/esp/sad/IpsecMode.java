package org.ipsec4j.esp.sad;

/** RFC 4301 §4.1: transport mode protects the upper layer of a packet, tunnel mode a whole inner packet. */
public enum IpsecMode {
    TRANSPORT,
    TUNNEL
}
