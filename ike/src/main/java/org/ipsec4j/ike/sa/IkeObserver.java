package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.Payload;

/**
 * Watches the IKE traffic of some connections and the keys the engine derives for them: what a tunnel dump
 * needs (the Shrew client's "IKE decrypted" and "IKE encrypted" dumps and a key log, seed 001 §5.3.4). The
 * engine has an observer only while a dump runs ({@link IkeEngine#observe}); without one, or for a connection
 * {@link #observes} declines, nothing of this is made, and no key leaves the engine.
 *
 * <p>Called on the engine's thread, synchronously, in the order things happen (the keys of an IKE SA before its
 * first encrypted message, those of a Child SA before the data plane has them). An observer must be quick and
 * must not call the engine; what it throws is dropped.
 */
public interface IkeObserver {

    /** Whether the connection's traffic and keys are wanted; asked before each of the calls below. */
    boolean observes(String connection);

    /**
     * A datagram as it left or arrived: the IKE message without the non-ESP marker (add it back where
     * {@link IkeDatagram#needsNonEspMarker()}). Retransmissions and each fragment count. A received datagram
     * whose local address the socket did not tell carries the IKE SA's.
     */
    void datagram(String connection, boolean outbound, IkeDatagram datagram);

    /**
     * A whole message in the clear, once per message the engine built or accepted: the header as on the wire,
     * the payloads with the SK payload replaced by the payloads it carries (the fragments of RFC 7383 joined).
     * Retransmissions, messages that fail their integrity check and IKE_SA_INIT requests answered statelessly
     * (COOKIE) do not come here.
     */
    void message(String connection, boolean outbound, Endpoint local, Endpoint remote, IkeHeader header,
                 List<Payload> payloads);

    /** The keys of a new IKE SA (from IKE_SA_INIT or a rekey): a copy the observer owns and must destroy. */
    void ikeSaKeys(String connection, IkeSaSecrets keys);

    /**
     * The keys of a new Child SA pair, before the data plane gets them: copies the observer owns and must
     * destroy.
     *
     * @param ikeSpiI the IKE SA it was negotiated in (initiator SPI), for the record
     */
    void childSaKeys(String connection, String child, long ikeSpiI, long ikeSpiR, EspSaSecrets outbound,
                     EspSaSecrets inbound);
}
