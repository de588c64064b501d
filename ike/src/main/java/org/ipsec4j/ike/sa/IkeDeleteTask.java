package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.DeletePayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/**
 * INFORMATIONAL deleting the whole IKE SA and its children (RFC 7296 §1.4.1). After a rekey, the old IKE SA is
 * deleted this way with its children already moved to the new one.
 */
final class IkeDeleteTask implements Task {

    private final boolean keepChildren;

    IkeDeleteTask(boolean keepChildren) {
        this.keepChildren = keepChildren;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        sa.state = IkeSa.State.DELETING;
        return List.of(DeletePayload.ike());
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        sa.destroy(now, keepChildren);
    }
}
