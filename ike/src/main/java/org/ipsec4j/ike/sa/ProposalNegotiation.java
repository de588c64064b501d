package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;
import org.ipsec4j.ike.crypto.PseudoRandomFunction;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.message.TransformType;

/**
 * SA payload negotiation (RFC 7296 §2.7, §3.3.6): the responder walks its own proposals in preference order
 * and takes the first peer proposal that offers, for every transform type either side lists, a transform
 * both accept. The answer carries exactly one transform per type and the peer's proposal number and SPI.
 */
public final class ProposalNegotiation {

    private static final int TRANSFORM_ESN = 5;
    private static final int ESN_NONE = 0;

    private ProposalNegotiation() {
    }

    /**
     * A peer's proposals as an operator reads them after a NO_PROPOSAL_CHOSEN, close to strongSwan's spelling:
     * {@code AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/MODP_3072, ...}; what we do not implement by its
     * transform type and IANA number ({@code ENCR 23}).
     */
    public static String describe(List<Proposal> proposals) {
        List<String> out = new ArrayList<>();
        for (Proposal p : proposals) {
            List<String> names = new ArrayList<>();
            for (Transform t : p.transforms()) {
                names.add(name(t));
            }
            out.add(String.join("/", names));
        }
        return String.join(", ", out);
    }

    private static String name(Transform t) {
        String known = switch (t.type()) {
            case TransformType.ENCR -> {
                EncryptionTransform e = EncryptionTransform.fromIke(t.id());
                yield e == null ? null : e.name() + (t.keyLength() == null ? "" : "_" + t.keyLength());
            }
            case TransformType.INTEG -> {
                IntegrityTransform i = IntegrityTransform.fromIke(t.id());
                yield i == null ? null : i.name();
            }
            case TransformType.PRF -> {
                PseudoRandomFunction f = PseudoRandomFunction.fromIke(t.id());
                yield f == null ? null : "PRF_" + f.name();
            }
            case TransformType.DH -> {
                DhGroup g = DhGroup.fromIke(t.id());
                yield g == null ? null : IkeSuite.groupName(g);
            }
            case TRANSFORM_ESN -> t.id() == ESN_NONE ? "NO_ESN" : "ESN";
            default -> null;
        };
        return known != null ? known : TransformType.name(t.type()) + " " + t.id()
                + (t.keyLength() == null ? "" : "_" + t.keyLength());
    }

    /** The chosen proposal, or null for NO_PROPOSAL_CHOSEN. */
    public static Proposal select(List<Proposal> ours, List<Proposal> theirs) {
        for (Proposal mine : ours) {
            for (Proposal peer : theirs) {
                if (peer.protocolId() != mine.protocolId()) {
                    continue;
                }
                List<Transform> chosen = intersect(mine.transforms(), peer.transforms());
                if (chosen != null) {
                    return new Proposal(peer.number(), peer.protocolId(), peer.spi(), chosen);
                }
            }
        }
        return null;
    }

    /**
     * Whether a responder's answer is one of our offers (§2.7: a single proposal, one transform per type, each
     * of them one we offered in that proposal number). Returns the offer it came from, or null.
     */
    public static Proposal acceptAnswer(List<Proposal> offered, Proposal answer) {
        for (Proposal mine : offered) {
            if (mine.number() != answer.number() || mine.protocolId() != answer.protocolId()) {
                continue;
            }
            Set<Integer> answeredTypes = new LinkedHashSet<>();
            for (Transform t : answer.transforms()) {
                if (!answeredTypes.add(t.type()) || !contains(mine.transforms(), t)) {
                    return null;
                }
            }
            for (Transform t : mine.transforms()) {
                if (!answeredTypes.contains(t.type()) && !(t.type() == TRANSFORM_ESN && t.id() == ESN_NONE)) {
                    return null;
                }
            }
            return mine;
        }
        return null;
    }

    private static List<Transform> intersect(List<Transform> mine, List<Transform> peer) {
        Set<Integer> types = new LinkedHashSet<>();
        for (Transform t : mine) {
            types.add(t.type());
        }
        for (Transform t : peer) {
            types.add(t.type());
        }
        List<Transform> chosen = new ArrayList<>();
        for (int type : types) {
            Transform pick = null;
            boolean mineHas = false;
            boolean peerHas = false;
            for (Transform t : mine) {
                if (t.type() == type) {
                    mineHas = true;
                    if (pick == null && contains(peer, t)) {
                        pick = t;
                    }
                }
            }
            for (Transform t : peer) {
                peerHas |= t.type() == type;
            }
            if (pick == null) {
                // A missing ESN transform means "no ESN" to both strongSwan and us; any other gap fails.
                boolean esnGap = type == TRANSFORM_ESN && (!mineHas || !peerHas)
                        && (mineHas ? contains(mine, Transform.of(TRANSFORM_ESN, ESN_NONE))
                                    : contains(peer, Transform.of(TRANSFORM_ESN, ESN_NONE)));
                if (!esnGap) {
                    return null;
                }
                continue;
            }
            chosen.add(pick);
        }
        return chosen;
    }

    private static boolean contains(List<Transform> list, Transform wanted) {
        for (Transform t : list) {
            if (t.type() == wanted.type() && t.id() == wanted.id()
                    && java.util.Objects.equals(t.keyLength(), wanted.keyLength())) {
                return true;
            }
        }
        return false;
    }
}
