package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/** A test exchange: an INFORMATIONAL request with the given payloads; keeps the decrypted answer. */
final class InformationalProbe implements Task {

    private final List<Payload> request;
    List<Payload> response;

    InformationalProbe(List<Payload> request) {
        this.request = request;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        return request;
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        response = payloads;
    }
}
