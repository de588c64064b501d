package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement of a setkey file, in the order the file gives them; the daemon applies them in that order
 * (a {@code flush} first and {@code add}s after is the usual shape). The records check their own invariants,
 * so a value built by hand is as valid as one from {@link SetkeyParser}.
 */
public sealed interface SetkeyStatement {

    long MIN_SPI = 256;
    long MAX_SPI = 0xFFFF_FFFFL;
    long MAX_U32 = 0xFFFF_FFFFL;

    /** The setkey keyword that starts the statement. */
    String keyword();

    /**
     * {@code add [-46n] src dst protocol spi [extensions] algorithm...;}: a manually keyed SA.
     *
     * @param spi            256..2^32-1 (0..255 are reserved)
     * @param udpEncapsulation present for {@code esp-udp}
     * @param mode           {@code -m}; {@link SaMode#ANY} when absent
     * @param replayWindow   {@code -r}, in packets as Linux reads it (KAME reads bytes, Linux's PF_KEY caps it
     *                       at 32); 0 turns anti-replay off, which is setkey's default
     * @param requestId      {@code -u}, binding the SA to a {@code unique:N} policy; 0 when absent
     * @param cyclicSequence false after {@code -f nocyclic-seq}
     * @param encryption     {@code -E}: always for ESP, never for AH
     * @param authentication {@code -A}: always for AH; for ESP absent with an AEAD, required with
     *                       {@code -E null}, else optional (see {@link #providesIntegrity()})
     */
    record AddSa(InetAddress source, InetAddress destination, SecurityProtocol protocol, long spi,
            Optional<UdpEncapsulation> udpEncapsulation, SaMode mode, long replayWindow, long requestId,
            Padding padding, boolean cyclicSequence, Lifetime hardLifetime, Lifetime softLifetime,
            Optional<Encryption> encryption, Optional<Authentication> authentication) implements SetkeyStatement {

        public AddSa {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(udpEncapsulation, "udpEncapsulation");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(padding, "padding");
            Objects.requireNonNull(hardLifetime, "hardLifetime");
            Objects.requireNonNull(softLifetime, "softLifetime");
            Objects.requireNonNull(encryption, "encryption");
            Objects.requireNonNull(authentication, "authentication");
            requireSameFamily(source, destination);
            requireSpi(spi);
            requireU32(replayWindow, "replay window");
            requireU32(requestId, "request id");
            AlgorithmProblem algorithms = algorithmProblem(protocol, encryption.map(Encryption::algorithm),
                    authentication.map(Authentication::algorithm));
            if (algorithms != null) {
                throw new IllegalArgumentException(algorithms.message());
            }
            if (udpEncapsulation.isPresent() && protocol != SecurityProtocol.ESP) {
                throw new IllegalArgumentException("UDP encapsulation is for ESP only");
            }
            String problem = lifetimeProblem(hardLifetime, softLifetime);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        /** An SA with setkey's defaults for every extension; add the algorithms with the builder. */
        public static Builder builder(InetAddress source, InetAddress destination, SecurityProtocol protocol,
                long spi) {
            return new Builder(source, destination, protocol, spi);
        }

        /** Whether packets on this SA are integrity-protected (an AEAD, or an {@code -A} other than null). */
        public boolean providesIntegrity() {
            return encryption.map(e -> e.algorithm().isAead()).orElse(false)
                    || authentication.map(a -> a.algorithm() != AuthenticationAlgorithm.NULL).orElse(false);
        }

        /** Zeroes both keys; call once the SA is installed. */
        public void destroyKeys() {
            encryption.ifPresent(e -> e.key().destroy());
            authentication.ifPresent(a -> a.key().destroy());
        }

        @Override
        public String keyword() {
            return "add";
        }

        /** Why a combination of algorithms is refused, and whether the -A part is to blame. */
        record AlgorithmProblem(String message, boolean aboutAuthentication) {}

        /**
         * Why these algorithms cannot form an SA of {@code protocol}, or null if they can. Shared with the
         * parser so that its messages and this constructor agree.
         */
        static AlgorithmProblem algorithmProblem(SecurityProtocol protocol, Optional<EncryptionAlgorithm> encryption,
                Optional<AuthenticationAlgorithm> authentication) {
            if (protocol == SecurityProtocol.AH) {
                if (encryption.isPresent()) {
                    return new AlgorithmProblem("ah does not encrypt: -E is for esp", false);
                }
                if (authentication.isEmpty()) {
                    return new AlgorithmProblem("ah needs an authentication algorithm: -A ALGORITHM KEY", true);
                }
                if (authentication.get() == AuthenticationAlgorithm.NULL) {
                    return new AlgorithmProblem("ah with -A null protects nothing: name an HMAC such as "
                            + "hmac-sha256", true);
                }
                return null;
            }
            if (encryption.isEmpty()) {
                return new AlgorithmProblem("esp needs an encryption algorithm first: -E ALGORITHM KEY "
                        + "(-E null for integrity only)", true);
            }
            EncryptionAlgorithm cipher = encryption.get();
            if (cipher.isAead() && authentication.isPresent()) {
                return new AlgorithmProblem(cipher.setkeyName() + " authenticates by itself: drop the -A option",
                        true);
            }
            if (cipher == EncryptionAlgorithm.NULL && authentication.map(a -> a == AuthenticationAlgorithm.NULL)
                    .orElse(true)) {
                return new AlgorithmProblem("-E null needs a real authentication algorithm beside it (RFC 4303 "
                        + "forbids null with null): add -A hmac-sha256 KEY", true);
            }
            return null;
        }

        static String lifetimeProblem(Lifetime hard, Lifetime soft) {
            if (soft.seconds() != 0 && hard.seconds() != 0 && soft.seconds() > hard.seconds()) {
                return "soft lifetime " + soft.seconds() + " s is longer than hard lifetime " + hard.seconds()
                        + " s";
            }
            if (soft.bytes() != 0 && hard.bytes() != 0 && soft.bytes() > hard.bytes()) {
                return "soft lifetime " + soft.bytes() + " bytes is more than hard lifetime " + hard.bytes()
                        + " bytes";
            }
            return null;
        }

        /** Builds an {@link AddSa}; every field starts at setkey's default. */
        public static final class Builder {
            private final InetAddress source;
            private final InetAddress destination;
            private final SecurityProtocol protocol;
            private final long spi;
            private Optional<UdpEncapsulation> udpEncapsulation = Optional.empty();
            private SaMode mode = SaMode.ANY;
            private long replayWindow;
            private long requestId;
            private Padding padding = Padding.DEFAULT;
            private boolean cyclicSequence = true;
            private Lifetime hardLifetime = Lifetime.UNLIMITED;
            private Lifetime softLifetime = Lifetime.UNLIMITED;
            private Optional<Encryption> encryption = Optional.empty();
            private Optional<Authentication> authentication = Optional.empty();

            private Builder(InetAddress source, InetAddress destination, SecurityProtocol protocol, long spi) {
                this.source = source;
                this.destination = destination;
                this.protocol = protocol;
                this.spi = spi;
            }

            public Builder udpEncapsulation(UdpEncapsulation value) {
                udpEncapsulation = Optional.of(value);
                return this;
            }

            public Builder mode(SaMode value) {
                mode = value;
                return this;
            }

            public Builder replayWindow(long value) {
                replayWindow = value;
                return this;
            }

            public Builder requestId(long value) {
                requestId = value;
                return this;
            }

            public Builder padding(Padding value) {
                padding = value;
                return this;
            }

            public Builder cyclicSequence(boolean value) {
                cyclicSequence = value;
                return this;
            }

            public Builder hardLifetime(Lifetime value) {
                hardLifetime = value;
                return this;
            }

            public Builder softLifetime(Lifetime value) {
                softLifetime = value;
                return this;
            }

            public Builder encryption(EncryptionAlgorithm algorithm, KeyMaterial key) {
                encryption = Optional.of(new Encryption(algorithm, key));
                return this;
            }

            public Builder authentication(AuthenticationAlgorithm algorithm, KeyMaterial key) {
                authentication = Optional.of(new Authentication(algorithm, key));
                return this;
            }

            public AddSa build() {
                return new AddSa(source, destination, protocol, spi, udpEncapsulation, mode, replayWindow,
                        requestId, padding, cyclicSequence, hardLifetime, softLifetime, encryption,
                        authentication);
            }
        }
    }

    /**
     * {@code delete src dst protocol spi;}. SAs are found by destination, protocol and SPI; {@code esp-udp}
     * reads as {@code esp} here and ports, which do not identify an SA, are not kept.
     */
    record DeleteSa(InetAddress source, InetAddress destination, SecurityProtocol protocol, long spi)
            implements SetkeyStatement {
        public DeleteSa {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(protocol, "protocol");
            requireSameFamily(source, destination);
            requireSpi(spi);
        }

        @Override
        public String keyword() {
            return "delete";
        }
    }

    /** {@code deleteall src dst protocol;}: every SA of that protocol between the two addresses. */
    record DeleteAll(InetAddress source, InetAddress destination, SecurityProtocol protocol)
            implements SetkeyStatement {
        public DeleteAll {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(protocol, "protocol");
            requireSameFamily(source, destination);
        }

        @Override
        public String keyword() {
            return "deleteall";
        }
    }

    /** {@code flush [protocol];}: every SA, or every SA of one protocol. */
    record Flush(Optional<SecurityProtocol> protocol) implements SetkeyStatement {
        public static final Flush ALL = new Flush(Optional.empty());

        public Flush {
            Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public String keyword() {
            return "flush";
        }
    }

    /**
     * {@code spdadd [-46n] src_range dst_range upperspec -P direction [priority] policy;}. Note: setkey on Linux
     * (in its default "RFC" mode) quietly adds a {@code fwd} twin of every {@code in} policy; files written for
     * it may rely on that. This model keeps exactly what the file says; the daemon decides.
     */
    record SpdAdd(PolicySelector selector, PolicyDirection direction, Optional<PolicyPriority> priority,
            PolicyAction action) implements SetkeyStatement {
        public SpdAdd {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(priority, "priority");
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String keyword() {
            return "spdadd";
        }
    }

    /** {@code spdupdate ...;}: as {@link SpdAdd}, replacing the policy with the same selector and direction. */
    record SpdUpdate(PolicySelector selector, PolicyDirection direction, Optional<PolicyPriority> priority,
            PolicyAction action) implements SetkeyStatement {
        public SpdUpdate {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(priority, "priority");
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String keyword() {
            return "spdupdate";
        }
    }

    /** {@code spddelete src_range dst_range upperspec -P direction;} (a policy after it is read and ignored). */
    record SpdDelete(PolicySelector selector, PolicyDirection direction) implements SetkeyStatement {
        public SpdDelete {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(direction, "direction");
        }

        @Override
        public String keyword() {
            return "spddelete";
        }
    }

    /** {@code spdflush;}: every policy. */
    record SpdFlush() implements SetkeyStatement {
        @Override
        public String keyword() {
            return "spdflush";
        }
    }

    private static void requireSameFamily(InetAddress source, InetAddress destination) {
        if (Addresses.bits(source) != Addresses.bits(destination)) {
            throw new IllegalArgumentException("source and destination of different families: "
                    + Addresses.format(source) + " " + Addresses.format(destination));
        }
    }

    private static void requireSpi(long spi) {
        if (spi < MIN_SPI || spi > MAX_SPI) {
            throw new IllegalArgumentException("SPI outside 256..2^32-1: " + spi);
        }
    }

    private static void requireU32(long value, String what) {
        if (value < 0 || value > MAX_U32) {
            throw new IllegalArgumentException(what + " outside 0..2^32-1: " + value);
        }
    }
}
