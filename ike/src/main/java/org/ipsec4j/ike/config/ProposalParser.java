package org.ipsec4j.ike.config;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.config.ProposalSpec.Protocol;

/**
 * Parses strongSwan proposal strings ({@code proposals} and {@code esp_proposals} in swanctl.conf): proposals
 * separated by commas, each a list of algorithm keywords separated by dashes, e.g.
 * {@code aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048} for IKE or {@code aes128gcm16-ecp256} for ESP.
 * Several keywords of one kind in a proposal are alternatives in preference order; the order of the kinds does
 * not matter.
 *
 * <p>Keywords (case does not matter): encryption {@code aes128} ({@code aes}), {@code aes192}, {@code aes256}
 * (AES-CBC, id 12), {@code aes128gcm16}, {@code aes192gcm16}, {@code aes256gcm16} (AES-GCM with a 16-byte ICV,
 * id 20; also written {@code aes128gcm128} etc.), {@code chacha20poly1305} (id 28); integrity {@code sha256},
 * {@code sha384}, {@code sha512} (HMAC-SHA2 ids 12, 13, 14); PRF {@code prfsha256}, {@code prfsha384},
 * {@code prfsha512} (ids 5, 6, 7); key exchange {@code modp2048} (14), {@code modp3072} (15), {@code ecp256}
 * (19), {@code ecp384} (20), {@code curve25519} or {@code x25519} (31); ESP only {@code esn} and {@code noesn}.
 *
 * <p>Rules, as strongSwan applies them: an IKE proposal with AEAD encryption must name a PRF; an IKE proposal
 * with AES-CBC and no PRF gets the PRFs of its integrity algorithms (sha256 gives prfsha256, and so on); an IKE
 * proposal needs a DH group; in an ESP proposal a DH group means PFS for Child SAs made by CREATE_CHILD_SA, and
 * ESN defaults to {@code noesn}. AEAD and non-AEAD encryption cannot share a proposal. A keyword given twice in
 * one proposal is an error, as is an unknown one (named in the message).
 *
 * <p>{@code default} (alone, as one item of the list) stands for ipsec4j's default proposals:
 * <ul>
 * <li>IKE: {@value #DEFAULT_IKE}</li>
 * <li>ESP: {@value #DEFAULT_ESP}</li>
 * </ul>
 * AEAD first, then AES-CBC with HMAC-SHA2; key exchanges from curve25519 down to modp2048, the oldest one RFC
 * 8247 still lists as a MUST. ESP proposals have no DH group by default (no PFS), as strongSwan's.
 */
public final class ProposalParser {

    /** The IKE proposals {@code default} stands for. */
    public static final String DEFAULT_IKE =
            "aes128gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512"
                    + "-curve25519-ecp256-ecp384-modp3072-modp2048, "
                    + "aes128-aes192-aes256-sha256-sha384-sha512-curve25519-ecp256-ecp384-modp3072-modp2048";

    /** The ESP proposals {@code default} stands for. */
    public static final String DEFAULT_ESP =
            "aes128gcm16-aes256gcm16-chacha20poly1305, aes128-aes192-aes256-sha256-sha384-sha512";

    private ProposalParser() {
    }

    public static List<ProposalSpec> parseIke(String text) throws InvalidValueException {
        return parse(Protocol.IKE, text);
    }

    public static List<ProposalSpec> parseEsp(String text) throws InvalidValueException {
        return parse(Protocol.ESP, text);
    }

    /** The proposals of a comma separated list; {@code default} may be one of its items. */
    public static List<ProposalSpec> parse(Protocol protocol, String text) throws InvalidValueException {
        List<ProposalSpec> out = new ArrayList<>();
        for (ListItems.Item item : ListItems.split(text)) {
            if (item.text().equalsIgnoreCase("default")) {
                out.addAll(defaults(protocol));
                continue;
            }
            try {
                out.add(parseOne(protocol, item.text()));
            } catch (InvalidValueException e) {
                throw e.shifted(item.offset());
            }
        }
        return List.copyOf(out);
    }

    /** What {@code default} stands for. */
    public static List<ProposalSpec> defaults(Protocol protocol) {
        try {
            return parse(protocol, protocol == Protocol.IKE ? DEFAULT_IKE : DEFAULT_ESP);
        } catch (InvalidValueException e) {
            throw new AssertionError(e);
        }
    }

    /** One dash separated proposal, without commas. */
    public static ProposalSpec parseOne(Protocol protocol, String text) throws InvalidValueException {
        List<TransformSpec> transforms = new ArrayList<>();
        int start = 0;
        while (true) {
            int dash = text.indexOf('-', start);
            int end = dash < 0 ? text.length() : dash;
            String keyword = text.substring(start, end);
            TransformSpec transform = transform(protocol, keyword, start);
            if (transforms.contains(transform)) {
                throw new InvalidValueException(start, "'" + keyword + "' is given twice in one proposal");
            }
            checkCompatible(transforms, transform, keyword, start);
            transforms.add(transform);
            if (dash < 0) {
                break;
            }
            start = dash + 1;
        }
        if (protocol == Protocol.IKE && transforms.stream().noneMatch(t -> t.type() == TransformSpec.PRF)
                && transforms.stream().noneMatch(TransformSpec::aead)) {
            // strongSwan: an IKE proposal without a PRF uses the PRFs of its integrity algorithms.
            for (TransformSpec t : List.copyOf(transforms)) {
                int prf = t.type() == TransformSpec.INTEG ? AlgorithmKeywords.prfForIntegrity(t.id()) : -1;
                if (prf >= 0 && !transforms.contains(TransformSpec.of(TransformSpec.PRF, prf))) {
                    transforms.add(TransformSpec.of(TransformSpec.PRF, prf));
                }
            }
        }
        if (protocol == Protocol.ESP && transforms.stream().noneMatch(t -> t.type() == TransformSpec.ESN)) {
            transforms.add(TransformSpec.of(TransformSpec.ESN, TransformSpec.ESN_NO));
        }
        String problem = ProposalSpec.problem(protocol, transforms);
        if (problem != null) {
            throw new InvalidValueException(0, problem + " in '" + AddressText.shown(text) + "'");
        }
        return new ProposalSpec(protocol, transforms);
    }

    private static TransformSpec transform(Protocol protocol, String keyword, int offset)
            throws InvalidValueException {
        if (keyword.isEmpty()) {
            throw new InvalidValueException(offset, "empty algorithm keyword (two dashes, or a dash at an end)");
        }
        TransformSpec transform = AlgorithmKeywords.transform(keyword);
        if (transform == null) {
            String kind = AlgorithmKeywords.unsupportedKind(keyword);
            if (kind != null) {
                throw new InvalidValueException(offset, "'" + keyword + "' is not supported by ipsec4j ("
                        + kind + ": " + String.join(", ", AlgorithmKeywords.SUPPORTED.get(kind)) + ")");
            }
            if (keyword.equalsIgnoreCase("default")) {
                throw new InvalidValueException(offset, "'default' stands for whole proposals: give it as an "
                        + "item of its own (e.g. 'aes256-sha256-modp3072, default')");
            }
            throw new InvalidValueException(offset, "unknown algorithm '" + AddressText.shown(keyword) + "'");
        }
        if (protocol == Protocol.IKE && transform.type() == TransformSpec.ESN) {
            throw new InvalidValueException(offset, "'" + keyword + "' belongs in ESP proposals, not in IKE "
                    + "proposals");
        }
        if (protocol == Protocol.ESP && transform.type() == TransformSpec.PRF) {
            throw new InvalidValueException(offset, "'" + keyword + "' is a PRF: PRFs belong in IKE proposals, "
                    + "not in ESP proposals");
        }
        return transform;
    }

    /** Refuses AEAD next to non-AEAD encryption or next to integrity, pointing at the second of the two. */
    private static void checkCompatible(List<TransformSpec> earlier, TransformSpec next, String keyword, int offset)
            throws InvalidValueException {
        for (TransformSpec t : earlier) {
            boolean clash = false;
            String why = "";
            if (next.type() == TransformSpec.ENCR && t.type() == TransformSpec.ENCR && next.aead() != t.aead()) {
                clash = true;
                why = "AEAD and non-AEAD encryption cannot share a proposal: separate them with a comma";
            } else if (next.aead() && t.type() == TransformSpec.INTEG
                    || next.type() == TransformSpec.INTEG && t.aead()) {
                clash = true;
                why = "AEAD encryption takes no integrity algorithm";
            }
            if (clash) {
                throw new InvalidValueException(offset, "'" + keyword + "' after '" + t + "': " + why);
            }
        }
    }
}
