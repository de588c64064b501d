package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;
/**
 * Security Association payload (RFC 7296 §3.3): one or more proposals, most preferred first, each marked
 * "more" (2) but the last (0), filling the body exactly.
 */
public record SecurityAssociationPayload(List<Proposal> proposals) implements Payload {

    public SecurityAssociationPayload {
        proposals = List.copyOf(proposals);
        if (proposals.isEmpty()) {
            throw new IllegalArgumentException("an SA payload needs a proposal");
        }
        int length = 0;
        for (Proposal p : proposals) {
            length += p.length();
        }
        Octets.checkRange(length, 0, MessageCodec.MAX_BODY_LENGTH, "SA payload length");
    }

    public static SecurityAssociationPayload of(Proposal... proposals) {
        return new SecurityAssociationPayload(List.of(proposals));
    }

    @Override
    public PayloadType type() {
        return PayloadType.SA;
    }

    @Override
    public int bodyLength() {
        int length = 0;
        for (Proposal p : proposals) {
            length += p.length();
        }
        return length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        int pos = off;
        for (int i = 0; i < proposals.size(); i++) {
            Proposal p = proposals.get(i);
            p.encode(out, pos, i == proposals.size() - 1);
            pos += p.length();
        }
    }

    public static SecurityAssociationPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.require(len > 0, "sa", off, "no proposals");
        List<Proposal> proposals = new ArrayList<>();
        int pos = off;
        int end = off + len;
        while (true) {
            Octets.requireBytes(Proposal.HEADER_LENGTH, end - pos, "proposal", pos);
            int marker = b[pos] & 0xFF;
            Octets.require(marker == 0 || marker == Proposal.MORE, "proposal.last", pos, "marker " + marker);
            Proposal p = Proposal.parse(b, pos, end - pos);
            proposals.add(p);
            pos += p.length();
            if (marker == 0) {
                Octets.require(pos == end, "proposal.last", pos - p.length(),
                        "last proposal, but " + (end - pos) + " bytes follow");
                return new SecurityAssociationPayload(proposals);
            }
            Octets.require(pos < end, "proposal.last", pos - p.length(), "more proposals announced, none follow");
        }
    }

    @Override
    public String toString() {
        return "SecurityAssociationPayload" + proposals;
    }
}
