package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/**
 * The last step of an ESP path repair, queued on the new IKE SA after the Child SAs it took over: once they are
 * installed (their policies now send through the new pairs), the old IKE SA is deleted with its old pairs
 * (RFC 7296 §1.4.1). Sends nothing itself.
 */
final class RetireTask implements Task {

    private final IkeSa old;

    RetireTask(IkeSa old) {
        this.old = old;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        if (old.state == IkeSa.State.ESTABLISHED && old.replacedBy == sa) {
            old.queue(new IkeDeleteTask(false), now);
        }
        return null;
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
    }
}
