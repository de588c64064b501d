package org.ipsec4j.ike.sa;

import org.ipsec4j.ike.message.NotifyPayload;

/**
 * An exchange failed in a way that ends the IKE SA: the reason for the log, and the error notify the peer
 * should get (in the response, or in an INFORMATIONAL when we were the initiator), or null.
 */
final class IkeFailure extends Exception {

    private final transient NotifyPayload notify;
    private final boolean authentication;
    private final boolean notifyPeer;

    IkeFailure(String message, NotifyPayload notify, boolean authentication, boolean notifyPeer) {
        super(message);
        this.notify = notify;
        this.authentication = authentication;
        this.notifyPeer = notifyPeer;
    }

    static IkeFailure error(String message, int notifyType) {
        return new IkeFailure(message, Notifies.error(notifyType), false, true);
    }

    static IkeFailure authentication(String message) {
        return new IkeFailure(message, Notifies.error(org.ipsec4j.ike.message.NotifyType.AUTHENTICATION_FAILED), true,
                true);
    }

    /** A failure to log only: the peer told us already, or cannot be told. */
    static IkeFailure local(String message) {
        return new IkeFailure(message, null, false, false);
    }

    NotifyPayload notifyPayload() {
        return notify;
    }

    boolean authentication() {
        return authentication;
    }

    boolean notifyPeer() {
        return notifyPeer;
    }
}
