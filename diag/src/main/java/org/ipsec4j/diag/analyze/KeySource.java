package org.ipsec4j.diag.analyze;

import java.util.List;

/**
 * Where decryption plugs into the analysis ({@code analyze --keys}, not implemented yet): key material for
 * IKE SAs and ESP SAs, as ipsec4j's key log or strongSwan's charon log at {@code ike = 4} / {@code chd = 4}
 * would give it. The analysis asks for every protected IKEv2 message and every ESP packet it sees; a source
 * that knows the keys returns what is inside, and the analysis adds it to its report. {@link #NONE}, the
 * default, knows no keys: only the clear parts are decoded.
 */
public interface KeySource {

    /** Knows no keys. */
    KeySource NONE = new KeySource() {};

    /**
     * Opens the SK payload of a whole IKEv2 message (or, for SKF, one fragment), or returns null when the
     * keys of its IKE SA are not known or the ICV does not verify.
     *
     * @param header  the clear view of the message
     * @param message the datagram's bytes from the IKE header, {@code length} of them
     */
    default OpenedIkeMessage openIke(IkeDatagram header, byte[] message, int offset, int length) {
        return null;
    }

    /**
     * Decrypts one ESP packet, or returns null when the SA's keys are not known.
     *
     * @param destination the outer destination address, which with the SPI names the SA (RFC 4301 §4.1)
     * @param esp         the ESP header and what follows, {@code length} bytes at {@code offset}
     */
    default OpenedEspPacket openEsp(int spi, NetAddress destination, byte[] esp, int offset, int length) {
        return null;
    }

    /** Whether this source may know any key; the per-packet calls are skipped when it does not. */
    default boolean knowsKeys() {
        return this != NONE;
    }

    /** The payloads inside an opened SK payload: types in order, and the notify types among them. */
    record OpenedIkeMessage(List<Integer> innerPayloads, List<Integer> innerNotifies) {
        public OpenedIkeMessage {
            innerPayloads = List.copyOf(innerPayloads);
            innerNotifies = List.copyOf(innerNotifies);
        }
    }

    /** A decrypted ESP packet: the Next Header of its trailer and the inner packet's length. */
    record OpenedEspPacket(int nextHeader, int innerLength) {}
}
