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
        MESSAGE_DROPPED,
        /** Probes found the path MTU towards the peer, or a different one than before. */
        PATH_MTU_DISCOVERED,
        /** Full-size probes are lost while small messages pass: the path MTU shrank without telling us. */
        PATH_MTU_BLACK_HOLE,
        /** A Child SA sends ESP and receives none while IKE still gets answers: ESP is filtered on the path. */
        ESP_PATH_FAILED,
        /** A new IKE SA with UDP encapsulation forced takes over the Child SAs of one whose raw ESP is blocked. */
        ESP_PATH_REPAIR,
        /** ESP arrives again on a Child SA that had an ESP path failure. */
        ESP_PATH_RESTORED
    }

    @Override
    public String toString() {
        return kind + " " + connection + ": " + detail;
    }
}
