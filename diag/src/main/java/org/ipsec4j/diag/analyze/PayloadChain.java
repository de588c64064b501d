package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * The payload chain of an IKE datagram in words, strongSwan style: {@code SA KE No N(NAT_DETECTION_SOURCE_IP)
 * N(IKEV2_FRAGMENTATION_SUPPORTED)}; a protected message ends in {@code SK{IDi …}} (the encrypted payload,
 * whose first inner payload is IDi, the rest unknown without keys) or {@code SKF{2/3}}; with keys the inner
 * chain is spelled out.
 */
public final class PayloadChain {

    private PayloadChain() {}

    public static List<String> names(IkeDatagram d, KeySource.OpenedIkeMessage opened) {
        List<String> out = new ArrayList<>(d.payloads().size());
        int notify = 0;
        int major = d.majorVersion();
        for (int type : d.payloads()) {
            if ((major == 2 && type == 41) || (major == 1 && type == 11)) {
                out.add(notify < d.notifies().size() ? "N(" + IkeNames.notify(major, d.notifies().get(notify++)) + ")" : "N");
            } else if (major == 2 && (type == 46 || type == 53)) {
                out.add(encrypted(d, type == 53, opened));
            } else {
                out.add(IkeNames.payload(major, type));
            }
        }
        if (d.v1Encrypted()) {
            out.add("(encrypted)");
        }
        return out;
    }

    private static String encrypted(IkeDatagram d, boolean fragment, KeySource.OpenedIkeMessage opened) {
        List<String> inner = new ArrayList<>();
        if (fragment) {
            inner.add(d.fragmentNumber() + "/" + d.fragmentTotal());
        }
        if (opened != null && opened.whole()) {
            int notify = 0;
            for (int type : opened.innerPayloads()) {
                inner.add(type == 41 && notify < opened.innerNotifies().size()
                        ? "N(" + IkeNames.notify(2, opened.innerNotifies().get(notify++)) + ")"
                        : IkeNames.payload(2, type));
            }
        } else if (d.encryptedFirstPayload() > 0) {
            inner.add(IkeNames.payload(2, d.encryptedFirstPayload()));
            inner.add("…");
        } else if (!fragment) {
            inner.add("…");
        }
        return (fragment ? "SKF{" : "SK{") + String.join(" ", inner) + "}";
    }

    public static String text(IkeDatagram d, KeySource.OpenedIkeMessage opened) {
        return String.join(" ", names(d, opened));
    }
}
