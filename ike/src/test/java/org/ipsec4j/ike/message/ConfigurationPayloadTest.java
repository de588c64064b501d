package org.ipsec4j.ike.message;

import static org.ipsec4j.ike.message.RoundTrip.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Configuration payload (RFC 7296 §3.15): attributes and the lengths §3.15.1 allows per type. */
class ConfigurationPayloadTest {

    @Test
    void requestAndReply() throws MalformedMessageException {
        ConfigurationPayload request = new ConfigurationPayload(ConfigurationPayload.CFG_REQUEST, List.of(
                ConfigAttribute.request(ConfigAttribute.INTERNAL_IP4_ADDRESS),
                ConfigAttribute.request(ConfigAttribute.INTERNAL_IP4_DNS)));
        assertArrayEquals(Hex.bytes("01 000000 0001 0000 0003 0000"), RoundTrip.body(request));
        RoundTrip.payload(request);

        ConfigurationPayload reply = new ConfigurationPayload(ConfigurationPayload.CFG_REPLY, List.of(
                new ConfigAttribute(ConfigAttribute.INTERNAL_IP4_ADDRESS, Hex.bytes("0a000002")),
                new ConfigAttribute(ConfigAttribute.INTERNAL_IP6_ADDRESS, Hex.bytes("20010db8000000000000000000000002 40")),
                new ConfigAttribute(ConfigAttribute.SUPPORTED_ATTRIBUTES, Hex.bytes("00010003")),
                new ConfigAttribute(ConfigAttribute.APPLICATION_VERSION, "ipsec4j".getBytes()),
                new ConfigAttribute(25, Hex.bytes("000000")))); // INTERNAL_DNS_DOMAIN (RFC 8598): any length
        RoundTrip.payload(reply);
        assertArrayEquals(Hex.bytes("0a000002"), reply.attribute(ConfigAttribute.INTERNAL_IP4_ADDRESS).value());
        assertNull(reply.attribute(ConfigAttribute.INTERNAL_IP4_NETMASK));
    }

    @Test
    void reservedBitOfTheTypeIsIgnored() throws MalformedMessageException {
        ConfigurationPayload cp = (ConfigurationPayload) RoundTrip.decodeBody(PayloadType.CP,
                Hex.bytes("02 000000 8001 0004 0a000002"));
        assertEquals(ConfigAttribute.INTERNAL_IP4_ADDRESS, cp.attributes().getFirst().type());
    }

    @Test
    void emptyPayload() throws MalformedMessageException {
        RoundTrip.payload(new ConfigurationPayload(ConfigurationPayload.CFG_ACK, List.of()));
    }

    @Test
    void rejectsBadLengths() {
        rejects(PayloadType.CP, Hex.bytes("02 000000 0001 0003 0a0000"));       // IPv4 address of 3 bytes
        rejects(PayloadType.CP, Hex.bytes("02 000000 0008 0010 " + "00".repeat(16))); // IPv6 address without prefix
        rejects(PayloadType.CP, Hex.bytes("02 000000 000e 0003 000100"));       // odd SUPPORTED_ATTRIBUTES
        rejects(PayloadType.CP, Hex.bytes("02 000000 0001 0004 0a00"));         // value beyond the payload
        rejects(PayloadType.CP, Hex.bytes("02 000000 0001 00"));                // attribute header cut
        rejects(PayloadType.CP, Hex.bytes("02 0000"));
    }

    @Test
    void constructorChecksLengths() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigAttribute(ConfigAttribute.INTERNAL_IP4_DNS,
                new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> new ConfigAttribute(0x8000, new byte[0]));
    }
}
