package org.ipsec4j.ike.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.ipsec4j.ike.crypto.IntegrityCheckFailedException;
import org.ipsec4j.ike.crypto.SkCipher;
import org.ipsec4j.ike.message.EncryptedFragmentPayload;
import org.ipsec4j.ike.message.EncryptedPayload;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.Payload;

/**
 * Opens the SK and SKF payloads (RFC 7296 §3.14, RFC 7383) of IKEv2 messages read from a capture, with the keys
 * of a {@link KeyLog}, through the engine's own {@link SkCipher}: the ICV is checked before anything is
 * decrypted, so a wrong key is told from a right one. Fragments are kept (after their check) until the message
 * is whole. Key sets whose IKE SA the log did not name are tried on IKE SAs without keys of their own, and
 * stay with the first one they open.
 *
 * <p>Give every IKE message of a capture in order, both directions; one instance per capture, one thread.
 */
public final class IkeDecryptor implements AutoCloseable {

    /** At most this many messages are being reassembled at a time; the oldest goes first. */
    static final int MAX_REASSEMBLIES = 64;
    /** As the engine: no message of more fragments is held. */
    static final int MAX_FRAGMENTS = 64;

    /** What became of one message. */
    public sealed interface Result permits Plain, Decrypted, Fragment, Failed {
    }

    /** A message without an encrypted payload (IKE_SA_INIT, an unprotected error notify): as it is. */
    public record Plain(IkeMessage message) implements Result {
    }

    /**
     * A message opened: its header as received and its payloads with the encrypted one replaced by what it held
     * (the payloads in front of it, then the inner payloads). For fragments: the whole message, with the header
     * of the last fragment to arrive.
     *
     * @param fragments 1 for an SK payload, the number of SKF fragments joined otherwise
     */
    public record Decrypted(IkeMessage message, IkeSaSecrets keys, int fragments) implements Result {

        /** The message as it would have been sent without encryption (RFC 7296 §3.14's inner payloads in the clear). */
        public byte[] unencrypted() {
            return MessageCodec.encode(message.header(), message.payloads());
        }
    }

    /** One fragment opened and kept; the message is not whole yet. */
    public record Fragment(IkeHeader header, int number, int total, int received) implements Result {
    }

    /** The message could not be opened; {@code header} is null when the message itself is malformed. */
    public record Failed(IkeHeader header, String reason) implements Result {

        /** Whether the key log has no keys for its IKE SA (rather than keys that do not open it). */
        public boolean noKeys() {
            return reason.startsWith(NO_KEYS);
        }
    }

    private static final String NO_KEYS = "no keys for IKE SA ";

    private final KeyLog keys;
    /** IKE SA ("spiI_spiR") to the key set that opened its messages. */
    private final Map<String, IkeSaSecrets> bound = new HashMap<>();
    /** Key sets without SPIs in the log that have found their IKE SA. */
    private final Set<IkeSaSecrets> taken = new HashSet<>();
    private final Map<IkeSaSecrets, SkCipher[]> ciphers = new IdentityHashMap<>();
    private final Map<String, Reassembly> reassemblies = new LinkedHashMap<>();

    public IkeDecryptor(KeyLog keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Opens one IKE message (the UDP payload, without the non-ESP marker of port 4500). */
    public Result decrypt(byte[] message) {
        return decrypt(message, 0, message.length);
    }

    /** Opens the IKE message in {@code b[off, off+len)}; {@code b} is not changed. */
    public Result decrypt(byte[] b, int off, int len) {
        IkeMessage message;
        try {
            message = MessageCodec.decode(b, off, len);
        } catch (MalformedMessageException e) {
            return new Failed(null, "not a well-formed IKEv2 message: " + e.getMessage());
        }
        Payload encrypted = message.encrypted();
        if (encrypted == null) {
            return new Plain(message);
        }
        IkeHeader h = message.header();
        List<IkeSaSecrets> candidates = candidates(h.initiatorSpi(), h.responderSpi());
        if (candidates.isEmpty()) {
            return new Failed(h, NO_KEYS + sa(h) + " in the key log");
        }
        byte[] aad = MessageCodec.associatedData(b, off, message);
        byte[] body = encrypted instanceof EncryptedPayload sk ? sk.body() : ((EncryptedFragmentPayload) encrypted).body();
        // The sender's keys: the I flag says whether the original initiator sent it (§3.1).
        boolean fromInitiator = h.initiator();
        String firstProblem = null;
        for (IkeSaSecrets candidate : candidates) {
            byte[] plain;
            try {
                plain = cipher(candidate, fromInitiator).open(aad, body);
            } catch (IntegrityCheckFailedException e) {
                if (firstProblem == null) {
                    firstProblem = e.getMessage();
                }
                continue;
            }
            bind(h, candidate);
            return opened(message, encrypted, candidate, plain);
        }
        return new Failed(h, "integrity check failed with " + (candidates.size() == 1 ? "the key set"
                : "each of " + candidates.size() + " key sets") + " for IKE SA " + sa(h) + " (" + firstProblem
                + "): wrong keys, or a corrupted message");
    }

    private Result opened(IkeMessage message, Payload encrypted, IkeSaSecrets keys, byte[] plain) {
        IkeHeader h = message.header();
        List<Payload> clear = message.payloads().subList(0, message.payloads().size() - 1);
        if (encrypted instanceof EncryptedPayload sk) {
            return decoded(h, clear, sk.firstInnerPayload(), plain, keys, 1);
        }
        EncryptedFragmentPayload skf = (EncryptedFragmentPayload) encrypted;
        int number = skf.fragmentNumber();
        int total = skf.totalFragments();
        if (total > MAX_FRAGMENTS) {
            Arrays.fill(plain, (byte) 0);
            return new Failed(h, "fragment " + number + " of " + total + ": more than " + MAX_FRAGMENTS
                    + " fragments are not reassembled");
        }
        String key = sa(h) + "/" + Integer.toUnsignedString(h.messageId()) + (h.response() ? "r" : "q")
                + (h.initiator() ? "i" : "");
        Reassembly r = reassemblies.get(key);
        if (r == null || r.parts.length != total) {
            // RFC 7383 §2.6.1: a sender that re-fragments for a smaller MTU starts over with a new total.
            r = new Reassembly(total);
            reassemblies.remove(key);
            reassemblies.put(key, r);
            while (reassemblies.size() > MAX_REASSEMBLIES) {
                String eldest = reassemblies.keySet().iterator().next();
                reassemblies.remove(eldest).wipe();
            }
        }
        if (number == 1) {
            r.firstInner = skf.firstInnerPayload();
        }
        if (r.parts[number - 1] != null) {
            Arrays.fill(r.parts[number - 1], (byte) 0);
        }
        r.parts[number - 1] = plain;
        int received = r.received();
        if (received < total) {
            return new Fragment(h, number, total, received);
        }
        reassemblies.remove(key);
        int length = 0;
        for (byte[] p : r.parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : r.parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        int first = r.firstInner;
        r.wipe();
        return decoded(h, clear, first, all, keys, total);
    }

    private static Result decoded(IkeHeader h, List<Payload> clear, int firstInner, byte[] plain, IkeSaSecrets keys,
                                  int fragments) {
        try {
            List<Payload> inner = MessageCodec.decodePayloads(firstInner, plain, 0, plain.length);
            List<Payload> all = new ArrayList<>(clear);
            all.addAll(inner);
            return new Decrypted(new IkeMessage(h, all), keys, fragments);
        } catch (MalformedMessageException e) {
            return new Failed(h, "decrypted with the right keys (the integrity check passed), but the payloads"
                    + " inside are malformed: " + e.getMessage());
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private List<IkeSaSecrets> candidates(long spiI, long spiR) {
        IkeSaSecrets known = bound.get(key(spiI, spiR));
        if (known != null) {
            return List.of(known);
        }
        List<IkeSaSecrets> out = new ArrayList<>(keys.ike(spiI, spiR));
        if (spiR == 0) {
            return out; // an IKE_SA_INIT request: never encrypted
        }
        for (IkeSaSecrets s : keys.ikeWithoutSpis()) {
            if (!taken.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private void bind(IkeHeader h, IkeSaSecrets keys) {
        bound.putIfAbsent(key(h.initiatorSpi(), h.responderSpi()), keys);
        if (!keys.spisKnown()) {
            taken.add(keys);
        }
    }

    /** The IKE SA a key set from the log was found to open, or null (for key sets the log gave without SPIs). */
    public String boundSa(IkeSaSecrets keys) {
        for (Map.Entry<String, IkeSaSecrets> e : bound.entrySet()) {
            if (e.getValue() == keys) {
                return e.getKey();
            }
        }
        return null;
    }

    private SkCipher cipher(IkeSaSecrets s, boolean fromInitiator) {
        SkCipher[] pair = ciphers.computeIfAbsent(s, k -> new SkCipher[2]);
        int i = fromInitiator ? 0 : 1;
        if (pair[i] == null) {
            pair[i] = s.cipher(fromInitiator);
        }
        return pair[i];
    }

    private static String key(long spiI, long spiR) {
        return String.format("%016x_%016x", spiI, spiR);
    }

    private static String sa(IkeHeader h) {
        return key(h.initiatorSpi(), h.responderSpi());
    }

    /** Destroys the ciphers and drops the fragments held (the key log's keys are the caller's). */
    @Override
    public void close() {
        for (SkCipher[] pair : ciphers.values()) {
            for (SkCipher c : pair) {
                if (c != null) {
                    c.destroy();
                }
            }
        }
        ciphers.clear();
        reassemblies.values().forEach(Reassembly::wipe);
        reassemblies.clear();
    }

    private static final class Reassembly {
        final byte[][] parts;
        int firstInner;

        Reassembly(int total) {
            this.parts = new byte[total][];
        }

        int received() {
            int n = 0;
            for (byte[] p : parts) {
                if (p != null) {
                    n++;
                }
            }
            return n;
        }

        void wipe() {
            for (byte[] p : parts) {
                if (p != null) {
                    Arrays.fill(p, (byte) 0);
                }
            }
        }
    }
}
