package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.Payload;

/**
 * One exchange we initiate (strongSwan's task): it builds the request when its turn in the IKE SA's queue
 * comes and processes the response. The responder side of each exchange lives next to it, in the same class.
 */
interface Task {

    ExchangeType exchange();

    /** The request's payloads (inside SK unless IKE_SA_INIT), or null if the task has nothing left to do. */
    List<Payload> buildRequest(IkeSa sa, long now) throws IkeFailure;

    /** The response arrived (decrypted, authenticated by the SK integrity check). */
    void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) throws IkeFailure;
}
