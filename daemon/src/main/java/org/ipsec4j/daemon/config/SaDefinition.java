package org.ipsec4j.daemon.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.ipsec4j.daemon.config.setkey.SaMode;
import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.daemon.state.SequenceReservation;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.daemon.state.SequenceStateKey;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.replay.SequenceCounter;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * One {@code add} statement translated for this host: direction, transform, encapsulation and limits, with
 * copies of the keys until {@link #build} hands them to the SA's codec and zeroes them.
 *
 * <p>The {@linkplain #fingerprint() fingerprint} identifies everything about the SA, keys included, so that a
 * reload that adds back an unchanged SA keeps the running one (and its sequence number: with AES-GCM and
 * ChaCha20-Poly1305 the sequence number is the nonce, RFC 4106 §3.1, and must never repeat under one key). It is
 * an HMAC under a key drawn at start and never stored, so it tells nothing about the keys.
 */
final class SaDefinition {

    private static final byte[] FINGERPRINT_KEY = new SecureRandom().generateSeed(32);

    private final SaIdentity identity;
    private final InetAddress source;
    private final SecurityAssociation.Flow flow;
    private final SecurityProtocol protocol;
    private final SaMode requestedMode;
    private final UdpEncapsulation udpEncapsulation;
    private final EspTransform transform;
    private final IntegrityAlgorithm ahIntegrity;
    private final int replayWindow;
    private final int reqid;
    private final LifetimeLimits limits;
    private final java.time.Duration natKeepalive;
    private final SourcePosition position;
    private byte[] encryptionKey;
    private byte[] integrityKey;
    private IpsecMode mode;
    private byte[] fingerprint;
    private SequenceReservation reservation;

    /**
     * @param transform   the ESP transform; null for AH
     * @param ahIntegrity the AH integrity algorithm; null for ESP
     */
    SaDefinition(SaIdentity identity, InetAddress source, SecurityAssociation.Flow flow, SecurityProtocol protocol,
            SaMode requestedMode, UdpEncapsulation udpEncapsulation, EspTransform transform,
            IntegrityAlgorithm ahIntegrity, int replayWindow, int reqid, LifetimeLimits limits,
            java.time.Duration natKeepalive, byte[] encryptionKey, byte[] integrityKey, SourcePosition position) {
        if ((protocol == SecurityProtocol.ESP) != (transform != null) || (protocol == SecurityProtocol.AH)
                != (ahIntegrity != null)) {
            throw new IllegalArgumentException("an ESP SA has a transform, an AH SA an integrity algorithm");
        }
        this.identity = identity;
        this.source = source;
        this.flow = flow;
        this.protocol = protocol;
        this.requestedMode = requestedMode;
        this.udpEncapsulation = udpEncapsulation;
        this.transform = transform;
        this.ahIntegrity = ahIntegrity;
        this.replayWindow = replayWindow;
        this.reqid = reqid;
        this.limits = limits;
        this.natKeepalive = natKeepalive;
        this.encryptionKey = encryptionKey;
        this.integrityKey = integrityKey;
        this.position = position;
        this.mode = switch (requestedMode) {
            case TUNNEL -> IpsecMode.TUNNEL;
            case TRANSPORT -> IpsecMode.TRANSPORT;
            case ANY -> null;
        };
    }

    SaIdentity identity() {
        return identity;
    }

    InetAddress source() {
        return source;
    }

    InetAddress destination() {
        return identity.destination();
    }

    SecurityAssociation.Flow flow() {
        return flow;
    }

    SecurityProtocol protocol() {
        return protocol;
    }

    SaMode requestedMode() {
        return requestedMode;
    }

    /** The mode, once {@link #resolveMode} settled {@code -m any}. */
    IpsecMode mode() {
        return mode;
    }

    /** setkey's {@code -m any}, the default: tunnel if a tunnel-mode policy names these endpoints, else transport. */
    void resolveMode(IpsecMode resolved) {
        if (mode == null) {
            mode = resolved;
        }
    }

    int reqid() {
        return reqid;
    }

    SourcePosition position() {
        return position;
    }

    IpAddress localAddress() {
        return IpAddress.of(flow == SecurityAssociation.Flow.OUTBOUND ? source : identity.destination());
    }

    IpAddress remoteAddress() {
        return IpAddress.of(flow == SecurityAssociation.Flow.OUTBOUND ? identity.destination() : source);
    }

    /** Everything about the SA, keys included, under a process-local HMAC key. */
    byte[] fingerprint() {
        if (fingerprint == null) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(FINGERPRINT_KEY, "HmacSHA256"));
                String parameters = identity + "|" + source + "|" + flow + "|" + protocol + "|" + mode + "|"
                        + udpEncapsulation + "|" + transform + "|" + ahIntegrity + "|" + replayWindow + "|" + reqid + "|" + limits + "|"
                        + natKeepalive;
                mac.update(parameters.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
                mac.update(encryptionKey);
                mac.update((byte) 0);
                mac.update(integrityKey);
                fingerprint = mac.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
            }
        }
        return fingerprint;
    }

    boolean sameAs(SaDefinition other) {
        return MessageDigest.isEqual(fingerprint(), other.fingerprint());
    }

    /**
     * For an outbound SA: reserves its first block of sequence numbers in the state directory, above whatever the
     * directory says the same SA with the same keys may have used before (so a restart never repeats a number,
     * and with it an AES-GCM nonce). Call while the keys are here, before {@link #build}.
     */
    void reserveSequenceNumbers(SequenceStateDirectory state) throws IOException {
        if (flow != SecurityAssociation.Flow.OUTBOUND || reservation != null) {
            return;
        }
        SequenceStateKey key = new SequenceStateKey(protocol, identity.spi(), IpAddress.of(identity.destination()));
        reservation = state.reserve(key, encryptionKey, integrityKey, new SequenceCounter(false).limit());
    }

    /** The outbound SA's sequence-number reservation; null for inbound SAs (and before it was made). */
    SequenceReservation reservation() {
        return reservation;
    }

    /** The SA, its codec keyed; zeroes this definition's copies of the keys. Call after {@link #resolveMode}. */
    SecurityAssociation build() {
        fingerprint(); // while the keys are still here
        try {
            // The translator refused legacy algorithms already unless they are allowed.
            SecurityAssociation.Builder builder = protocol == SecurityProtocol.ESP
                    ? SecurityAssociation.esp(flow, (int) identity.spi(), transform, encryptionKey, integrityKey)
                    : SecurityAssociation.ah(flow, (int) identity.spi(), ahIntegrity, integrityKey, true);
            builder.mode(mode)
                    .endpoints(localAddress(), remoteAddress())
                    .udpEncapsulation(udpEncapsulation)
                    .reqid(reqid)
                    .replayWindow(replayWindow)
                    .lifetime(limits);
            if (flow == SecurityAssociation.Flow.OUTBOUND && udpEncapsulation != null) {
                builder.natKeepalive(natKeepalive);
            }
            if (reservation != null) {
                builder.initialSequence(reservation.resumeAfter());
            }
            SecurityAssociation sa = builder.build();
            if (reservation != null) {
                reservation.bind(sa.sequenceCounter());
            }
            return sa;
        } finally {
            destroyKeys();
        }
    }

    void destroyKeys() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(integrityKey, (byte) 0);
    }

    /** For status and logs; no keys. */
    UdpEncapsulation udpEncapsulation() {
        return udpEncapsulation;
    }

    /** The ESP transform, or null for AH. */
    EspTransform transform() {
        return transform;
    }

    /** The AH integrity algorithm, or null for ESP. */
    IntegrityAlgorithm ahIntegrity() {
        return ahIntegrity;
    }

    @Override
    public String toString() {
        return identity + " (" + flow.name().toLowerCase() + ", line " + position.line() + ")";
    }
}
