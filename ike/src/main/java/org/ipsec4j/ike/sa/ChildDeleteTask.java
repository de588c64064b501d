package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.DeletePayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/** INFORMATIONAL with a Delete payload for one Child SA pair (RFC 7296 §1.4.1): we name our inbound SPI. */
final class ChildDeleteTask implements Task {

    private final ChildSa child;

    ChildDeleteTask(ChildSa child) {
        this.child = child;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        if (!sa.children.contains(child)) {
            return null; // the peer deleted it first
        }
        child.state = ChildSa.State.DELETING;
        return List.of(DeletePayload.esp(child.inboundSpi));
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        // §1.4.1: the answer names the peer's inbound SPI of the pair; either way the pair is gone now.
        child.removeFromKernel(sa.engine.kernel());
        if (sa.children.remove(child)) {
            sa.engine.event(IkeEvent.Kind.CHILD_SA_DELETED, sa, child.describe());
        }
    }
}
