package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/**
 * Dead peer detection (RFC 7296 §1.4, §2.4): an empty INFORMATIONAL request. The answer proves the peer
 * alive; exhausted retransmissions declare it dead (handled by the IKE SA's retransmission timer).
 */
final class LivenessTask implements Task {

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        return List.of();
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        sa.scheduleDpd(now);
    }
}
