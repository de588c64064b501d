package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.ipsec4j.ike.message.NotifyType;

/**
 * Error notifies (RFC 7296 §3.10.1) inside decrypted messages, which only a key log shows: each becomes a
 * finding whose id is the notify's name ({@code ike-authentication-failed}, {@code ike-ts-unacceptable},
 * {@code ike-no-proposal-chosen}, …), with what the request of the same exchange offered (identities, AUTH
 * method, traffic selectors, proposals) where it was decrypted too. Without keys nothing here fires: the clear
 * notifies of IKE_SA_INIT are the other detectors' business.
 */
final class IkeErrorNotifyDetector implements FindingDetector {

    /** The notify types that get a finding; other error notifies are listed in the message lines only. */
    static final List<Integer> EXPLAINED = List.of(NotifyType.AUTHENTICATION_FAILED, NotifyType.TS_UNACCEPTABLE,
            NotifyType.NO_PROPOSAL_CHOSEN, NotifyType.INVALID_KE_PAYLOAD, NotifyType.INTERNAL_ADDRESS_FAILURE,
            NotifyType.FAILED_CP_REQUIRED, NotifyType.SINGLE_PAIR_REQUIRED);

    /** The finding id of an explained notify type: {@code ike-} and its name in lower case with dashes. */
    static String id(int type) {
        return "ike-" + NotifyType.name(type).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public void ikeSaDone(IkeSaRecord sa, AnalysisContext context, FindingCollector out) {
        for (IkeSaRecord.ErrorNotify e : sa.errorNotifies()) {
            if (EXPLAINED.contains(e.type())) {
                out.add(finding(sa, e));
            }
        }
    }

    private static Finding finding(IkeSaRecord sa, IkeSaRecord.ErrorNotify e) {
        IkeMessageSighting m = e.message();
        IkeDatagram d = m.datagram();
        IkeMessageSighting request = d.response() ? request(e) : rejectedIkeAuthResponse(sa, e);
        KeySource.OpenedIkeMessage offered = request == null ? null : request.opened();
        String sender = m.source().toString();
        String other = m.destination().toString();
        String exchange = IkeNames.exchange(2, d.exchangeType()) + (d.response() ? " response" : " request")
                + " (msgid " + Integer.toUnsignedString(d.messageId()) + ")";
        String name = NotifyType.name(e.type());
        StringBuilder summary = new StringBuilder(Text.ikeSa(sa)).append(": ").append(sender).append(" sent ")
                .append(name).append(" in the decrypted ").append(exchange);
        if (d.response() && request != null) {
            summary.append(", answering ").append(other).append("'s request #").append(request.packet());
        } else if (request != null) {
            summary.append(", rejecting ").append(other).append("'s IKE_AUTH response #").append(request.packet());
        }
        List<String> asked = offered == null ? List.of() : describeRequest(offered);
        if (!asked.isEmpty()) {
            summary.append(d.response() ? "; the request carried " : "; that response carried ")
                    .append(String.join("; ", asked));
        }
        List<Long> evidence = new ArrayList<>(e.packets());
        if (request != null) {
            evidence.add(request.packet());
        }
        Explanation x = explain(e.type(), d, sender, other, offered, notifyText(m.opened(), e.type()),
                chosenBefore(sa, m));
        return Finding.of(id(e.type()), x.severity, summary.toString(), evidence, x.cause, x.fix);
    }

    /** The decrypted request of the notify's exchange (the joined one for RFC 7383 fragments), or null. */
    private static IkeMessageSighting request(IkeSaRecord.ErrorNotify e) {
        if (e.exchange() == null || !e.message().datagram().response()) {
            return null;
        }
        for (IkeMessageSighting s : e.exchange().requests()) {
            if (s.opened() != null && s.opened().whole()) {
                return s;
            }
        }
        return null;
    }

    /**
     * For AUTHENTICATION_FAILED in a request: the initiator could not verify the responder's AUTH and says so in
     * an INFORMATIONAL (RFC 7296 §2.21.2); the decrypted IKE_AUTH response from the other side is what it
     * rejected. Null if there is none.
     */
    private static IkeMessageSighting rejectedIkeAuthResponse(IkeSaRecord sa, IkeSaRecord.ErrorNotify e) {
        if (e.type() != NotifyType.AUTHENTICATION_FAILED) {
            return null;
        }
        NetAddress other = e.message().destination().address();
        for (IkeExchange x : sa.exchanges()) {
            if (x.exchangeType() != 35) {
                continue;
            }
            for (IkeMessageSighting s : x.responses()) {
                if (s.opened() != null && s.opened().whole() && s.source().address().equals(other)) {
                    return s;
                }
            }
        }
        return null;
    }

    private static List<String> describeRequest(KeySource.OpenedIkeMessage request) {
        List<String> out = new ArrayList<>();
        for (String payload : List.of("IDi", "IDr", "AUTH", "SA", "TSi", "TSr", "CP")) {
            KeySource.InnerPayload p = request.detail(payload);
            if (p != null) {
                out.add(payload + " " + p.text());
            }
        }
        return out;
    }

    private record Explanation(Severity severity, String cause, String fix) {}

    private static String text(KeySource.OpenedIkeMessage request, String payload, String otherwise) {
        KeySource.InnerPayload p = request == null ? null : request.detail(payload);
        return p == null ? otherwise : p.text();
    }

    /** The notify's own words (INVALID_KE_PAYLOAD names the group wanted). */
    private static String notifyText(KeySource.OpenedIkeMessage opened, int type) {
        String name = NotifyType.name(type);
        return opened.details().stream().filter(p -> p.name().equals("N") && p.text().startsWith(name))
                .map(KeySource.InnerPayload::text).findFirst().orElse(name);
    }

    /**
     * The SA proposal the notify's sender chose in an earlier decrypted response of this IKE SA (the IKE_AUTH that
     * set up the first Child SA, a rekey): the one side of its configuration the capture shows. Null if none.
     */
    private static String chosenBefore(IkeSaRecord sa, IkeMessageSighting notify) {
        NetAddress sender = notify.source().address();
        String chosen = null;
        for (IkeExchange x : sa.exchanges()) {
            for (IkeMessageSighting s : x.responses()) {
                if (s.packet() < notify.packet() && s.source().address().equals(sender) && s.opened() != null
                        && s.opened().whole() && s.opened().detail("SA") != null) {
                    chosen = s.opened().detail("SA").text();
                }
            }
        }
        return chosen;
    }

    private static Explanation explain(int type, IkeDatagram d, String sender, String other,
            KeySource.OpenedIkeMessage request, String notify, String senderChoseBefore) {
        boolean ikeAuth = d.exchangeType() == 35;
        return switch (type) {
            case NotifyType.AUTHENTICATION_FAILED -> {
                String method = text(request, "AUTH", "its AUTH method");
                String id = text(request, "IDi", text(request, "IDr", "its identity"));
                yield new Explanation(Severity.ERROR,
                        sender + " could not verify " + other + "'s authentication (" + method + ", as " + id
                                + "). With a pre-shared key the two ends do not hold the same secret for these "
                                + "identities; with certificates " + sender + " does not trust " + other
                                + "'s certificate (its CA is not installed there, or it expired or was revoked) "
                                + "or the certificate does not hold the identity sent; or the identity sent is "
                                + "not the one " + sender + " expects of this peer (its remote id).",
                        "Compare the secret configured for both identities on both ends (swanctl.conf: secrets, "
                                + "id-1/id-2 and secret), or install the CA that issued " + other + "'s "
                                + "certificate on " + sender + " and check that the certificate's subject or "
                                + "subjectAltName is the identity sent; set " + sender + "'s remote id to "
                                + id + " if that is who " + other + " is. " + sender + "'s log names the reason.");
            }
            case NotifyType.TS_UNACCEPTABLE -> {
                String tsi = text(request, "TSi", "(not decrypted)");
                String tsr = text(request, "TSr", "(not decrypted)");
                yield new Explanation(Severity.ERROR,
                        other + " proposed TSi " + tsi + " (its local_ts) and TSr " + tsr + " (its remote_ts); "
                                + sender + " has no Child SA configured whose traffic selectors contain or narrow "
                                + "these" + (ikeAuth ? ". The IKE SA is up; only the Child SA was refused." : "."),
                        "Make the traffic selectors mirror each other: " + other + "'s local_ts must lie within "
                                + sender + "'s remote_ts and " + other + "'s remote_ts within " + sender
                                + "'s local_ts (here " + sender + " would need remote_ts covering " + tsi
                                + " and local_ts covering " + tsr + "), or narrow " + other + "'s to what "
                                + sender + " has.");
            }
            case NotifyType.NO_PROPOSAL_CHOSEN -> {
                String offers = text(request, "SA", "(not decrypted)");
                boolean ike = offers.startsWith("IKE:");
                String what = ike ? "IKE SA" : "Child SA (ESP/AH)";
                String keyword = ike ? "proposals" : offers.startsWith("AH:") ? "ah_proposals" : "esp_proposals";
                yield new Explanation(Severity.ERROR,
                        sender + " accepts none of the " + what + " proposals " + other + " offered: " + offers
                                + (ikeAuth ? ". The IKE SA is up; only the Child SA was refused." : ".")
                                + (senderChoseBefore == null ? "" : " Earlier in this IKE SA " + sender
                                        + " chose " + senderChoseBefore + ", which it has."),
                        "Give both ends at least one proposal in common: add one of " + other + "'s (" + offers
                                + ") to " + sender + "'s " + keyword
                                + ", or one of " + sender + "'s to " + other + "'s. " + sender
                                + "'s log lists the proposals it has.");
            }
            case NotifyType.INVALID_KE_PAYLOAD -> new Explanation(Severity.WARNING,
                    other + "'s KE (" + text(request, "KE", "not decrypted") + ") used a Diffie-Hellman group "
                            + sender + " does not want (" + notify + "); the requester is expected to retry with "
                            + "the group named (RFC 7296 §1.3).",
                    "Nothing if a retry with the wanted group follows and succeeds; to save the round trip, put "
                            + "that group first in " + other + "'s proposals (for a Child SA with PFS: the DH group "
                            + "in esp_proposals).");
            case NotifyType.INTERNAL_ADDRESS_FAILURE -> new Explanation(Severity.ERROR,
                    other + " asked for a virtual IP (CP request: " + text(request, "CP", "not decrypted") + ") and "
                            + sender + " could not assign one: it has no pool for this peer, or the pool is used up.",
                    "Configure a pool on " + sender + " (swanctl.conf: pools, and pools = in the connection) with "
                            + "room for every client, or stop asking for a virtual IP on " + other
                            + " (no vips).");
            case NotifyType.FAILED_CP_REQUIRED -> new Explanation(Severity.ERROR,
                    sender + " requires " + other + " to ask for a virtual IP (a CP request), and the request "
                            + "carried none.",
                    "Set vips = 0.0.0.0 (or ::) on " + other + "'s connection, or stop requiring a virtual IP on "
                            + sender + ".");
            case NotifyType.SINGLE_PAIR_REQUIRED -> new Explanation(Severity.ERROR,
                    sender + " accepts only traffic selectors of a single address pair (the packet that "
                            + "triggered the SA), and " + other + " proposed TSi " + text(request, "TSi", "?")
                            + ", TSr " + text(request, "TSr", "?") + ".",
                    "Narrow " + other + "'s local_ts and remote_ts to single addresses, or configure " + sender
                            + " to accept (narrow) subnets.");
            default -> new Explanation(Severity.WARNING, NotifyType.name(type) + " (RFC 7296 §3.10.1).",
                    "See " + sender + "'s log.");
        };
    }
}
