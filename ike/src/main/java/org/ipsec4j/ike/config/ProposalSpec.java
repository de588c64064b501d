package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One proposal (RFC 7296 §3.3): the transforms offered for an IKE SA or an ESP Child SA. Within a type the
 * transforms are in preference order, as written; the types are in transform-type order (ENCR, PRF, INTEG, DH,
 * ESN), which does not matter on the wire.
 *
 * <p>Well-formed by construction: an encryption transform; an integrity transform unless the encryption is
 * AEAD, none if it is (and AEAD and non-AEAD encryption are never mixed); for IKE a PRF and a DH group and no
 * ESN; for ESP no PRF, an optional DH group (which means PFS) and at least one ESN transform.
 */
public record ProposalSpec(Protocol protocol, List<TransformSpec> transforms) {

    /** Security protocol of a proposal, with its Protocol ID (RFC 7296 §3.3.1). */
    public enum Protocol {
        IKE(1),
        ESP(3);

        private final int protocolId;

        Protocol(int protocolId) {
            this.protocolId = protocolId;
        }

        public int protocolId() {
            return protocolId;
        }
    }

    public ProposalSpec {
        Objects.requireNonNull(protocol, "protocol");
        List<TransformSpec> sorted = new ArrayList<>(transforms);
        sorted.sort(Comparator.comparingInt(TransformSpec::type)); // stable: keeps the preference order
        transforms = List.copyOf(sorted);
        if (new HashSet<>(transforms).size() != transforms.size()) {
            throw new IllegalArgumentException("a transform is given twice: " + transforms);
        }
        String problem = problem(protocol, transforms);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** What is wrong with such a proposal, or null if nothing; the parser reports it with a position. */
    static String problem(Protocol protocol, List<TransformSpec> transforms) {
        List<TransformSpec> encryption = ofType(transforms, TransformSpec.ENCR);
        if (encryption.isEmpty()) {
            return "the proposal has no encryption algorithm";
        }
        for (TransformSpec t : transforms) {
            if (t.type() < TransformSpec.ENCR || t.type() > TransformSpec.ESN) {
                return "transform type " + t.type() + " does not belong in a proposal";
            }
        }
        boolean aead = encryption.getFirst().aead();
        for (TransformSpec e : encryption) {
            if (e.aead() != aead) {
                return "AEAD and non-AEAD encryption (" + encryption.getFirst() + ", " + e + ") cannot share a "
                        + "proposal: separate them with a comma";
            }
        }
        List<TransformSpec> integrity = ofType(transforms, TransformSpec.INTEG);
        if (aead && !integrity.isEmpty()) {
            return "AEAD encryption " + encryption.getFirst() + " takes no integrity algorithm (" + integrity.getFirst()
                    + ")";
        }
        if (!aead && integrity.isEmpty()) {
            return encryption.getFirst() + " needs an integrity algorithm, e.g. " + encryption.getFirst() + "-sha256";
        }
        boolean prf = !ofType(transforms, TransformSpec.PRF).isEmpty();
        boolean dh = !ofType(transforms, TransformSpec.DH).isEmpty();
        boolean esn = !ofType(transforms, TransformSpec.ESN).isEmpty();
        if (protocol == Protocol.IKE) {
            if (!prf) {
                return "an IKE proposal needs a PRF, e.g. prfsha256";
            }
            if (!dh) {
                return "an IKE proposal needs a key exchange (DH group), e.g. ecp256";
            }
            if (esn) {
                return "esn and noesn belong in ESP proposals, not in IKE proposals";
            }
        } else {
            if (prf) {
                return "a PRF belongs in IKE proposals, not in ESP proposals";
            }
            if (!esn) {
                return "an ESP proposal needs an ESN transform (esn or noesn)";
            }
        }
        return null;
    }

    private static List<TransformSpec> ofType(List<TransformSpec> transforms, int type) {
        return transforms.stream().filter(t -> t.type() == type).toList();
    }

    /** The transforms of one type, in preference order. */
    public List<TransformSpec> transforms(int type) {
        return ofType(transforms, type);
    }

    public List<TransformSpec> encryption() {
        return transforms(TransformSpec.ENCR);
    }

    public List<TransformSpec> prfs() {
        return transforms(TransformSpec.PRF);
    }

    public List<TransformSpec> integrity() {
        return transforms(TransformSpec.INTEG);
    }

    public List<TransformSpec> dhGroups() {
        return transforms(TransformSpec.DH);
    }

    /** ESN transforms (ESP only): {@code noesn} (id 0) unless the proposal says otherwise. */
    public List<TransformSpec> esn() {
        return transforms(TransformSpec.ESN);
    }

    /** Whether the encryption is AEAD (and so there is no integrity transform). */
    public boolean aead() {
        return encryption().getFirst().aead();
    }

    /** An ESP proposal with a DH group: Child SAs made with CREATE_CHILD_SA get perfect forward secrecy. */
    public boolean pfs() {
        return protocol == Protocol.ESP && !dhGroups().isEmpty();
    }

    /**
     * The proposal in swanctl.conf syntax, e.g. {@code aes128gcm16-prfsha256-ecp256}; ESP's default
     * {@code noesn} is left out. {@link ProposalParser} parses it back to an equal proposal.
     */
    @Override
    public String toString() {
        List<TransformSpec> shown = transforms;
        if (protocol == Protocol.ESP && esn().equals(List.of(TransformSpec.of(TransformSpec.ESN, TransformSpec.ESN_NO)))) {
            shown = transforms.stream().filter(t -> t.type() != TransformSpec.ESN).toList();
        }
        return shown.stream().map(TransformSpec::toString).collect(Collectors.joining("-"));
    }
}
