package org.ipsec4j.diag.analyze;

import java.util.List;

/**
 * Where decryption plugs into the analysis ({@code analyze --keys}): key material for IKE SAs and ESP SAs, as
 * ipsec4j's key log or strongSwan's charon log at {@code ike = 4} / {@code chd = 4} gives it
 * ({@link KeyLogKeySource}). The analysis asks for every protected IKEv2 message and every ESP packet it sees; a source
 * that knows the keys returns what is inside, and the analysis adds it to its report. {@link #NONE}, the
 * default, knows no keys: only the clear parts are decoded.
 */
public interface KeySource {

    /** Knows no keys. */
    KeySource NONE = new KeySource() {};

    /**
     * Opens the SK payload of a whole IKEv2 message (or, for SKF, one fragment: the last one to arrive gives the
     * joined message, RFC 7383 §2.6), or returns null when the keys of its IKE SA are not known. A message the
     * known keys do not open comes back {@link OpenedIkeMessage#failed failed}.
     *
     * @param header  the clear view of the message
     * @param message the datagram's bytes from the IKE header, {@code length} of them
     */
    default OpenedIkeMessage openIke(IkeDatagram header, byte[] message, int offset, int length) {
        return null;
    }

    /**
     * Decrypts one ESP packet, or returns null when the SA's keys are not known; a packet the known keys do not
     * open comes back {@link OpenedEspPacket#failed failed}.
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

    /**
     * What an SK payload held: the inner payload types in order, the notify types among them, each inner payload
     * in words, and from how many RFC 7383 fragments the message was joined. A fragment kept until the message is
     * whole has {@code fragments} 0 and no payloads; a message the keys did not open has a {@code failure}.
     */
    record OpenedIkeMessage(List<Integer> innerPayloads, List<Integer> innerNotifies, List<InnerPayload> details,
            int fragments, String failure) {

        public OpenedIkeMessage {
            innerPayloads = List.copyOf(innerPayloads);
            innerNotifies = List.copyOf(innerNotifies);
            details = List.copyOf(details);
        }

        /** An opened SK payload known only by its types. */
        public OpenedIkeMessage(List<Integer> innerPayloads, List<Integer> innerNotifies) {
            this(innerPayloads, innerNotifies, List.of(), 1, null);
        }

        /** One SKF fragment opened and kept until the others arrive. */
        public static OpenedIkeMessage heldFragment() {
            return new OpenedIkeMessage(List.of(), List.of(), List.of(), 0, null);
        }

        /** The keys of its IKE SA are known but do not open it (wrong keys, a corrupted message). */
        public static OpenedIkeMessage failed(String reason) {
            return new OpenedIkeMessage(List.of(), List.of(), List.of(), 0, reason);
        }

        /** Whether the inner payloads are known: opened, and whole. */
        public boolean whole() {
            return failure == null && fragments > 0;
        }

        /** The first inner payload of that name ({@code TSi}, {@code SA}…), or null. */
        public InnerPayload detail(String name) {
            return details.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
        }
    }

    /** One inner payload in words: its short name ({@code SA}, {@code TSi}, {@code N}…) and what it says. */
    record InnerPayload(String name, String text) {}

    /**
     * A decrypted ESP packet: the Next Header of its trailer, the inner packet's length and its flow in words
     * ({@code ICMP 10.1.0.1 > 10.2.0.1}, {@code TCP 10.1.0.1[40000] > 10.2.0.1[22]}); or, with a {@code failure},
     * one the known keys did not open.
     */
    record OpenedEspPacket(int nextHeader, int innerLength, String innerFlow, String failure) {

        public OpenedEspPacket(int nextHeader, int innerLength) {
            this(nextHeader, innerLength, null, null);
        }

        public static OpenedEspPacket failed(String reason) {
            return new OpenedEspPacket(-1, 0, null, reason);
        }

        public boolean opened() {
            return failure == null;
        }
    }
}
