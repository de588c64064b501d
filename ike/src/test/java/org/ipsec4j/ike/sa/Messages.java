package org.ipsec4j.ike.sa;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MalformedMessageException;

/** Classifying IKE datagrams on the simulated link by their (cleartext) header. */
final class Messages {

    private Messages() {
    }

    static IkeHeader header(IkeDatagram d) {
        try {
            return IkeHeader.parse(d.data(), 0, d.data().length);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    static boolean isRequest(IkeDatagram d, ExchangeType exchange) {
        IkeHeader h = header(d);
        return h != null && !h.response() && h.exchange() == exchange;
    }

    static boolean isResponse(IkeDatagram d, ExchangeType exchange) {
        IkeHeader h = header(d);
        return h != null && h.response() && h.exchange() == exchange;
    }

    /** Whether the message carries an SKF fragment (RFC 7383) rather than a whole SK payload. */
    static boolean isFragment(IkeDatagram d) {
        IkeHeader h = header(d);
        return h != null && h.nextPayload() == 53;
    }
}
