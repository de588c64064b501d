package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.message.DeletePayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.message.SecurityAssociationPayload;

/**
 * Answers the peer's requests on an IKE SA: picks the exchange's responder (IKE_AUTH, a new or rekeyed
 * Child SA, an IKE rekey, INFORMATIONAL deletes, notifies and liveness checks). Every INFORMATIONAL is
 * answered, if only with an empty message (RFC 7296 §1.4).
 */
final class Responder {

    private static final int PROTOCOL_IKE = 1;
    private static final int PROTOCOL_ESP = 3;

    /** The response's payloads and whether the IKE SA ends once it is sent. */
    record Answer(List<Payload> payloads, boolean destroy) {
    }

    private Responder() {
    }

    static Answer handle(IkeSa sa, ExchangeType exchange, IkeMessage message, List<Payload> payloads, long now)
            throws IkeFailure {
        int critical = unsupportedCritical(payloads);
        if (critical >= 0) {
            return new Answer(List.of(Notifies.status(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
                    new byte[] {(byte) critical})), false);
        }
        return switch (exchange) {
            case IKE_AUTH -> IkeAuthTask.respond(sa, payloads, now);
            case CREATE_CHILD_SA -> createChildSa(sa, payloads, now);
            case INFORMATIONAL -> informational(sa, payloads, now);
            case IKE_SA_INIT -> throw IkeFailure.error("IKE_SA_INIT inside an IKE SA", NotifyType.INVALID_SYNTAX);
        };
    }

    private static Answer createChildSa(IkeSa sa, List<Payload> payloads, long now) {
        if (sa.state != IkeSa.State.ESTABLISHED) {
            return new Answer(List.of(Notifies.error(NotifyType.TEMPORARY_FAILURE)), false);
        }
        SecurityAssociationPayload saPayload = Notifies.first(payloads, SecurityAssociationPayload.class);
        if (saPayload != null && !saPayload.proposals().isEmpty()
                && saPayload.proposals().get(0).protocolId() == PROTOCOL_IKE) {
            return new Answer(IkeRekeyTask.respond(sa, payloads, now), false);
        }
        if (sa.rekeyNonce != null) {
            // §2.25.2: a Child SA is not created or rekeyed while we rekey the IKE SA it would belong to.
            return new Answer(List.of(Notifies.error(NotifyType.TEMPORARY_FAILURE)), false);
        }
        return new Answer(ChildCreateTask.respond(sa, payloads, false, now), false);
    }

    private static Answer informational(IkeSa sa, List<Payload> payloads, long now) {
        if (Notifies.find(payloads, NotifyType.AUTHENTICATION_FAILED) != null) {
            // §2.21.2: the initiator did not accept our AUTH and tells us in a separate INFORMATIONAL; the
            // IKE SA we thought established is void.
            sa.engine.event(IkeEvent.Kind.AUTHENTICATION_FAILED, sa, "peer rejected our authentication"
                    + " (AUTHENTICATION_FAILED)");
            return new Answer(List.of(), true);
        }
        List<Payload> out = new ArrayList<>();
        List<Integer> ourSpis = new ArrayList<>();
        for (Payload p : payloads) {
            if (!(p instanceof DeletePayload d)) {
                continue;
            }
            if (d.protocolId() == PROTOCOL_IKE) {
                if (sa.peerRekey != null && sa.peerRekey.state == IkeSa.State.ESTABLISHED
                        && sa.state == IkeSa.State.ESTABLISHED) {
                    // §2.25.2: the peer deletes the SA we were rekeying too: its rekey won and ours is forgotten;
                    // the children live on in its new SA.
                    sa.handOver(sa.peerRekey, now);
                } else if (sa.state != IkeSa.State.REKEYED) {
                    // §1.4.1: the whole IKE SA and its children go; answer with an empty INFORMATIONAL.
                    sa.state = IkeSa.State.DELETING;
                }
                return new Answer(List.of(), true);
            }
            if (d.protocolId() != PROTOCOL_ESP) {
                continue;
            }
            for (int spi : d.espSpis()) {
                ChildSa child = sa.childByOutboundSpi(spi);
                if (child == null) {
                    continue; // already gone (a simultaneous delete): nothing to name
                }
                if (child.state != ChildSa.State.DELETING) {
                    ourSpis.add(child.inboundSpi);
                }
                child.removeFromKernel(sa.engine.kernel());
                sa.children.remove(child);
                sa.engine.event(IkeEvent.Kind.CHILD_SA_DELETED, sa, "peer deleted " + child.describe());
            }
        }
        if (!ourSpis.isEmpty()) {
            int[] spis = new int[ourSpis.size()];
            for (int i = 0; i < spis.length; i++) {
                spis[i] = ourSpis.get(i);
            }
            out.add(DeletePayload.esp(spis));
        }
        sa.scheduleDpd(now);
        return new Answer(out, false);
    }

    private static int unsupportedCritical(List<Payload> payloads) {
        for (Payload p : payloads) {
            if (p instanceof org.ipsec4j.ike.message.UnknownPayload u && u.critical()) {
                return u.typeValue();
            }
        }
        return -1;
    }
}
