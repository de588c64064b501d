package org.ipsec4j.ike.sa;

/**
 * Something an operator wants to hear about: an SA came up, was rekeyed or went away, authentication failed,
 * a virtual IP arrived. The daemon logs them; tests wait for them.
 */
public record IkeEvent(Kind kind, String connection, String detail) {

    public enum Kind {
        IKE_SA_ESTABLISHED,
        IKE_SA_REKEYED,
        IKE_SA_DELETED,
        IKE_SA_FAILED,
        AUTHENTICATION_FAILED,
        CHILD_SA_INSTALLED,
        CHILD_SA_REKEYED,
        CHILD_SA_DELETED,
        CHILD_SA_FAILED,
        VIRTUAL_IP_ASSIGNED,
        PEER_ADDRESS_CHANGED,
        PEER_DEAD,
        MESSAGE_DROPPED
    }

    @Override
    public String toString() {
        return kind + " " + connection + ": " + detail;
    }
}
