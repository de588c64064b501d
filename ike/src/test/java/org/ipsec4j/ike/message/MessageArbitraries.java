package org.ipsec4j.ike.message;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of valid payloads of every kind and of whole messages, for the codec properties. Each
 * reaches the edges its payload allows: empty and long data, every SPI size, both attribute formats, both
 * selector families, unknown types with and without the critical bit.
 */
final class MessageArbitraries {

    private MessageArbitraries() {}

    static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 255);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 65535);
    }

    static Arbitrary<TransformAttribute> transformAttribute() {
        Arbitrary<Integer> type = Arbitraries.integers().between(0, 0x7FFF);
        return Arbitraries.oneOf(
                u16().map(TransformAttribute::keyLength),
                Combinators.combine(type, u16()).as(TransformAttribute::tv),
                Combinators.combine(type.filter(t -> t != TransformAttribute.KEY_LENGTH), bytes(0, 12))
                        .as((t, v) -> new TransformAttribute(t, false, v)));
    }

    static Arbitrary<Transform> transform() {
        return Combinators.combine(u8(), u16(), transformAttribute().list().ofMaxSize(3)).as(Transform::new);
    }

    static Arbitrary<Proposal> proposal() {
        Arbitrary<Integer> protocol = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(ProtocolId.IKE, ProtocolId.AH, ProtocolId.ESP)), Tuple.of(1, u8()));
        return protocol.flatMap(proto -> Combinators.combine(u8(), proposalSpi(proto),
                        transform().list().ofMinSize(1).ofMaxSize(6))
                .as((number, spi, transforms) -> new Proposal(number, proto, spi, transforms)));
    }

    private static Arbitrary<byte[]> proposalSpi(int protocol) {
        return switch (protocol) {
            case ProtocolId.IKE -> Arbitraries.of(0, 8).flatMap(n -> bytes(n, n));
            case ProtocolId.AH, ProtocolId.ESP -> bytes(4, 4);
            default -> bytes(0, 16);
        };
    }

    static Arbitrary<SecurityAssociationPayload> sa() {
        return proposal().list().ofMinSize(1).ofMaxSize(4).map(SecurityAssociationPayload::new);
    }

    static Arbitrary<KeyExchangePayload> ke() {
        return Combinators.combine(u16(), bytes(1, 300)).as(KeyExchangePayload::new);
    }

    static Arbitrary<IdentificationPayload> id() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(IdentificationType.IPV4_ADDR)),
                Tuple.of(1, Arbitraries.of(IdentificationType.IPV6_ADDR)), Tuple.of(3, u8()));
        return type.flatMap(t -> {
            int required = IdentificationType.requiredLength(t);
            return Combinators.combine(Arbitraries.of(true, false), required < 0 ? bytes(0, 64) : bytes(required, required))
                    .as((initiator, data) -> new IdentificationPayload(initiator, t, data));
        });
    }

    static Arbitrary<CertificatePayload> cert() {
        return Combinators.combine(u8(), bytes(0, 300)).as(CertificatePayload::new);
    }

    static Arbitrary<CertificateRequestPayload> certreq() {
        return Combinators.combine(u8(), bytes(0, 100)).as(CertificateRequestPayload::new);
    }

    static Arbitrary<AuthenticationPayload> auth() {
        return Combinators.combine(u8(), bytes(1, 100)).as(AuthenticationPayload::new);
    }

    static Arbitrary<NoncePayload> nonce() {
        return bytes(NoncePayload.MIN_LENGTH, NoncePayload.MAX_LENGTH).map(NoncePayload::new);
    }

    static Arbitrary<NotifyPayload> notifyPayload() {
        return Arbitraries.oneOf(
                Combinators.combine(u8(), u16(), bytes(0, 64))
                        .as((protocol, type, data) -> new NotifyPayload(protocol, new byte[0], type, data)),
                Combinators.combine(Arbitraries.of(ProtocolId.AH, ProtocolId.ESP), bytes(4, 4), u16(), bytes(0, 64))
                        .as(NotifyPayload::new),
                Combinators.combine(bytes(8, 8), u16(), bytes(0, 64))
                        .as((spi, type, data) -> new NotifyPayload(ProtocolId.IKE, spi, type, data)));
    }

    static Arbitrary<DeletePayload> delete() {
        return Arbitraries.oneOf(Arbitraries.just(DeletePayload.ike()),
                Combinators.combine(Arbitraries.of(ProtocolId.AH, ProtocolId.ESP), bytes(4, 4).list().ofMaxSize(5))
                        .as((protocol, spis) -> new DeletePayload(protocol, 4, spis)));
    }

    static Arbitrary<VendorIdPayload> vendorId() {
        return bytes(0, 40).map(VendorIdPayload::new);
    }

    static Arbitrary<TrafficSelectorEntry> selector() {
        return Arbitraries.of(TrafficSelectorEntry.TS_IPV4_ADDR_RANGE, TrafficSelectorEntry.TS_IPV6_ADDR_RANGE)
                .flatMap(type -> {
                    int n = type == TrafficSelectorEntry.TS_IPV4_ADDR_RANGE ? 4 : 16;
                    return Combinators.combine(u8(), u16(), u16(), bytes(n, n), bytes(n, n))
                            .as((protocol, start, end, from, to) ->
                                    new TrafficSelectorEntry(type, protocol, start, end, from, to));
                });
    }

    static Arbitrary<TrafficSelectorPayload> trafficSelectors() {
        return Combinators.combine(Arbitraries.of(true, false), selector().list().ofMinSize(1).ofMaxSize(4))
                .as(TrafficSelectorPayload::new);
    }

    static Arbitrary<ConfigAttribute> configAttribute() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 16)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x7FFF)));
        return type.flatMap(t -> Arbitraries.integers().between(0, 20)
                .filter(n -> ConfigAttribute.lengthAllowed(t, n))
                .flatMap(n -> bytes(n, n))
                .map(value -> new ConfigAttribute(t, value)));
    }

    static Arbitrary<ConfigurationPayload> configuration() {
        return Combinators.combine(u8(), configAttribute().list().ofMaxSize(5)).as(ConfigurationPayload::new);
    }

    static Arbitrary<EapPayload> eap() {
        return Combinators.combine(u8(), u8(), bytes(0, 40)).as((code, identifier, rest) -> {
            byte[] m = new byte[4 + rest.length];
            m[0] = code.byteValue();
            m[1] = identifier.byteValue();
            m[2] = (byte) (m.length >> 8);
            m[3] = (byte) m.length;
            System.arraycopy(rest, 0, m, 4, rest.length);
            return new EapPayload(m);
        });
    }

    static Arbitrary<UnknownPayload> unknown() {
        return Combinators.combine(Arbitraries.integers().between(1, 255).filter(t -> PayloadType.of(t) == null),
                Arbitraries.of(true, false), bytes(0, 40)).as(UnknownPayload::new);
    }

    static Arbitrary<EncryptedPayload> sk() {
        return Combinators.combine(u8(), bytes(0, 200)).as(EncryptedPayload::new);
    }

    static Arbitrary<EncryptedFragmentPayload> skf() {
        return Arbitraries.integers().between(1, 10).flatMap(total -> Combinators.combine(
                        Arbitraries.integers().between(1, total), u8(), bytes(0, 100))
                .as((number, first, body) -> new EncryptedFragmentPayload(number == 1 ? first : 0, number, total, body)));
    }

    /** Any payload that may appear anywhere in a chain (not SK or SKF). */
    static Arbitrary<Payload> plainPayload() {
        return Arbitraries.oneOf(List.of(sa(), ke(), id(), cert(), certreq(), auth(), nonce(), notifyPayload(),
                delete(), vendorId(), trafficSelectors(), configuration(), eap(), unknown()));
    }

    static Arbitrary<Payload> encryptedPayload() {
        return Arbitraries.oneOf(sk(), skf());
    }

    static Arbitrary<IkeHeader> header() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 15), u8(),
                        Arbitraries.integers().between(0, 7), Arbitraries.integers())
                .as((spiI, spiR, minor, exchange, flags, messageId) -> new IkeHeader(spiI, spiR, 0, 2, minor, exchange,
                        (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, messageId, 0));
    }

    /** A header and 0..8 payloads, half of the time followed by an SK or SKF payload. */
    static Arbitrary<IkeMessage> message() {
        return Combinators.combine(header(), plainPayload().list().ofMaxSize(8), encryptedPayload().injectNull(0.5))
                .as((header, payloads, encrypted) -> {
                    List<Payload> all = new java.util.ArrayList<>(payloads);
                    if (encrypted != null) {
                        all.add(encrypted);
                    }
                    return new IkeMessage(header, all);
                });
    }
}
