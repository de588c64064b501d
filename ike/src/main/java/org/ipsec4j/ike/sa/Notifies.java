package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;

/** Building and finding notify payloads. */
final class Notifies {

    private Notifies() {
    }

    static NotifyPayload error(int type) {
        return new NotifyPayload(0, new byte[0], type, new byte[0]);
    }

    static NotifyPayload status(int type) {
        return new NotifyPayload(0, new byte[0], type, new byte[0]);
    }

    static NotifyPayload status(int type, byte[] data) {
        return new NotifyPayload(0, new byte[0], type, data);
    }

    static NotifyPayload find(List<Payload> payloads, int type) {
        for (Payload p : payloads) {
            if (p instanceof NotifyPayload n && n.notifyType() == type) {
                return n;
            }
        }
        return null;
    }

    /** The first error notify, or null. */
    static NotifyPayload firstError(List<Payload> payloads) {
        for (Payload p : payloads) {
            if (p instanceof NotifyPayload n && n.isError()) {
                return n;
            }
        }
        return null;
    }

    static String name(int type) {
        return NotifyType.name(type);
    }

    @SuppressWarnings("unchecked")
    static <T extends Payload> T first(List<Payload> payloads, Class<T> type) {
        for (Payload p : payloads) {
            if (type.isInstance(p)) {
                return (T) p;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static <T extends Payload> List<T> all(List<Payload> payloads, Class<T> type) {
        List<T> out = new java.util.ArrayList<>();
        for (Payload p : payloads) {
            if (type.isInstance(p)) {
                out.add((T) p);
            }
        }
        return out;
    }
}
