package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decoded IKE message: its header and its payloads in order. For a protected message the last payload is
 * the still-encrypted {@link EncryptedPayload} or {@link EncryptedFragmentPayload}; once the crypto layer has
 * opened it, {@link #withPayloads} gives the message with the inner payloads.
 */
public record IkeMessage(IkeHeader header, List<Payload> payloads) {

    public IkeMessage {
        Objects.requireNonNull(header, "header");
        payloads = List.copyOf(payloads);
    }

    public IkeMessage withPayloads(List<Payload> payloads) {
        return new IkeMessage(header, payloads);
    }

    /** The first payload of a class, or null. */
    public <T extends Payload> T first(Class<T> type) {
        for (Payload p : payloads) {
            if (type.isInstance(p)) {
                return type.cast(p);
            }
        }
        return null;
    }

    /** All payloads of a class, in message order. */
    public <T extends Payload> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Payload p : payloads) {
            if (type.isInstance(p)) {
                out.add(type.cast(p));
            }
        }
        return out;
    }

    /** The first Notify payload of a type, or null. */
    public NotifyPayload notify(int notifyType) {
        for (Payload p : payloads) {
            if (p instanceof NotifyPayload n && n.notifyType() == notifyType) {
                return n;
            }
        }
        return null;
    }

    public List<NotifyPayload> notifies() {
        return all(NotifyPayload.class);
    }

    /**
     * The type of the first payload this codec does not know that has the critical bit set, or -1. Such a
     * message must be rejected with UNSUPPORTED_CRITICAL_PAYLOAD carrying this type (RFC 7296 §2.5, §3.2).
     */
    public int unsupportedCriticalPayload() {
        for (Payload p : payloads) {
            if (p instanceof UnknownPayload u && u.critical()) {
                return u.typeValue();
            }
        }
        return -1;
    }

    /** The last payload if it is SK or SKF, else null. */
    public Payload encrypted() {
        if (payloads.isEmpty()) {
            return null;
        }
        Payload last = payloads.getLast();
        return last instanceof EncryptedPayload || last instanceof EncryptedFragmentPayload ? last : null;
    }
}
