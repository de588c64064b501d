package org.ipsec4j.daemon.config;

import java.net.InetAddress;
import java.util.Set;

import org.ipsec4j.daemon.config.setkey.AddressSelector;
import org.ipsec4j.daemon.config.setkey.Authentication;
import org.ipsec4j.daemon.config.setkey.Encryption;
import org.ipsec4j.daemon.config.setkey.IpsecRequest;
import org.ipsec4j.daemon.config.setkey.Lifetime;
import org.ipsec4j.daemon.config.setkey.Padding;
import org.ipsec4j.daemon.config.setkey.PolicyDirection;
import org.ipsec4j.daemon.config.setkey.PolicyPriority;
import org.ipsec4j.daemon.config.setkey.PolicySelector;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.daemon.config.setkey.UpperLayer;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.replay.ReplayWindow;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.LifetimeLimits;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;

/** Turns one {@code add} or {@code spdadd} statement into what the SAD and SPD hold, from this host's view. */
final class SetkeyTranslator {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final TranslationOptions options;
    private final Set<InetAddress> localAddresses;

    SetkeyTranslator(TranslationOptions options, Set<InetAddress> localAddresses) {
        this.options = options;
        this.localAddresses = localAddresses;
    }

    SaDefinition sa(AddSa add, SourcePosition position) throws TranslationException {
        boolean sourceLocal = localAddresses.contains(add.source());
        boolean destinationLocal = localAddresses.contains(add.destination());
        if (sourceLocal == destinationLocal) {
            throw new TranslationException(sourceLocal
                    ? "both " + text(add.source()) + " and " + text(add.destination()) + " are addresses of this host;"
                            + " an SA runs between two hosts"
                    : "neither " + text(add.source()) + " nor " + text(add.destination()) + " is an address of this "
                            + "host, so the SA is neither inbound nor outbound here");
        }
        SecurityAssociation.Flow flow = sourceLocal ? SecurityAssociation.Flow.OUTBOUND
                : SecurityAssociation.Flow.INBOUND;
        if (add.padding() == Padding.ZERO || add.padding() == Padding.RANDOM) {
            throw new TranslationException("-f " + add.padding().setkeyName() + " is not supported: ipsec4j pads "
                    + "1, 2, 3, ... and checks it on receipt (RFC 4303 §2.4); drop the option");
        }
        if (add.replayWindow() > ReplayWindow.MAX_SIZE) {
            throw new TranslationException("replay window " + add.replayWindow() + " is larger than "
                    + ReplayWindow.MAX_SIZE + " packets");
        }
        if (add.requestId() > Integer.MAX_VALUE) {
            throw new TranslationException("request id " + add.requestId() + " is larger than " + Integer.MAX_VALUE);
        }
        SaIdentity identity = new SaIdentity(add.destination(), add.protocol(), add.spi());
        LifetimeLimits limits = limits(add.softLifetime(), add.hardLifetime());
        if (add.protocol() == org.ipsec4j.daemon.config.setkey.SecurityProtocol.AH) {
            // RFC 4302: integrity over the payload and the outer header's immutable fields; never in UDP (RFC 3948
            // encapsulates ESP only: a NAT rewrites the very addresses AH covers).
            Authentication authentication = add.authentication().orElseThrow();
            IntegrityAlgorithm integrity = SetkeyAlgorithms.integrity(authentication.algorithm());
            if (integrity.legacy() && !options.allowLegacy()) {
                throw new TranslationException(authentication.algorithm().setkeyName() + " is a legacy algorithm "
                        + "(RFC 8221), refused unless the daemon runs with --allow-legacy");
            }
            return new SaDefinition(identity, add.source(), flow, SecurityProtocol.AH, add.mode(), null, null,
                    integrity, (int) add.replayWindow(), (int) add.requestId(), limits, options.natKeepalive(),
                    new byte[0], authentication.key().bytes(), position);
        }
        Encryption encryption = add.encryption().orElseThrow();
        Authentication authentication = add.authentication().orElse(null);
        EspTransform transform = SetkeyAlgorithms.transform(encryption.algorithm(), encryption.key().length(),
                authentication == null ? null : authentication.algorithm(), options.allowLegacy());
        UdpEncapsulation udp = udpEncapsulation(add, flow);
        return new SaDefinition(identity, add.source(), flow, SecurityProtocol.ESP, add.mode(), udp, transform, null,
                (int) add.replayWindow(), (int) add.requestId(), limits, options.natKeepalive(),
                encryption.key().bytes(), authentication == null ? new byte[0] : authentication.key().bytes(),
                position);
    }

    private UdpEncapsulation udpEncapsulation(AddSa add, SecurityAssociation.Flow flow) {
        if (add.udpEncapsulation().isPresent()) {
            org.ipsec4j.daemon.config.setkey.UdpEncapsulation ports = add.udpEncapsulation().get();
            return flow == SecurityAssociation.Flow.OUTBOUND
                    ? new UdpEncapsulation(ports.sourcePort(), ports.destinationPort())
                    : new UdpEncapsulation(ports.destinationPort(), ports.sourcePort());
        }
        return options.encapsulation() == DefaultEncapsulation.UDP ? UdpEncapsulation.DEFAULT : null;
    }

    /** setkey: 0 is "no limit"; a soft limit defaults to the hard one (RFC 4301 §4.4.2.1 asks soft <= hard). */
    static LifetimeLimits limits(Lifetime soft, Lifetime hard) {
        long hardBytes = hard.bytes() == 0 ? LifetimeLimits.NONE : hard.bytes();
        long softBytes = soft.bytes() == 0 ? hardBytes : Math.min(soft.bytes(), hardBytes);
        long hardNanos = nanos(hard.seconds());
        long softNanos = soft.seconds() == 0 ? hardNanos : Math.min(nanos(soft.seconds()), hardNanos);
        return new LifetimeLimits(softBytes, hardBytes, LifetimeLimits.NONE, LifetimeLimits.NONE, softNanos,
                hardNanos);
    }

    private static long nanos(long seconds) {
        if (seconds == 0 || seconds > Long.MAX_VALUE / NANOS_PER_SECOND) {
            return LifetimeLimits.NONE;
        }
        return seconds * NANOS_PER_SECOND;
    }

    PolicyDefinition policy(PolicySelector selector, PolicyDirection setkeyDirection,
            java.util.Optional<PolicyPriority> priority, org.ipsec4j.daemon.config.setkey.PolicyAction action,
            SourcePosition position) throws TranslationException {
        Direction direction = switch (setkeyDirection) {
            case OUT -> Direction.OUT;
            case IN -> Direction.IN;
            case FWD -> Direction.FWD;
        };
        boolean localIsSource = direction.localIsSource();
        AddressSelector local = localIsSource ? selector.source() : selector.destination();
        AddressSelector remote = localIsSource ? selector.destination() : selector.source();
        TrafficSelector trafficSelector;
        try {
            trafficSelector = trafficSelector(local, remote, selector.upperLayer());
        } catch (IllegalArgumentException e) {
            throw new TranslationException(e.getMessage());
        }
        PolicyAction translated = action(action, direction);
        long order = priority.map(PolicyPriority::linuxValue).orElse(PolicyPriority.Base.DEFAULT.linuxValue());
        String text = selector + " -P " + setkeyDirection.setkeyName() + " " + action;
        return new PolicyDefinition(selector, setkeyDirection, direction, trafficSelector, translated, order, text,
                position, peerOnly(translated, local));
    }

    /**
     * A file that both ends load holds each end's policies; the other end's are recognisable by a tunnel that
     * starts there, or in transport mode by a local host selector that is not ours.
     */
    private boolean peerOnly(PolicyAction action, AddressSelector local) {
        if (!(action instanceof PolicyAction.Protect protect)) {
            return false;
        }
        IpsecTemplate template = protect.template();
        if (template.mode() == IpsecMode.TUNNEL) {
            return !localAddresses.contains(template.tunnelLocal().toInetAddress());
        }
        boolean singleHost = local.prefixLength() == (local.address().getAddress().length * 8);
        return singleHost && !localAddresses.contains(local.address());
    }

    private static TrafficSelector trafficSelector(AddressSelector local, AddressSelector remote, UpperLayer upper) {
        AddressRange localRange = AddressRange.prefix(IpAddress.of(local.address()), local.prefixLength());
        AddressRange remoteRange = AddressRange.prefix(IpAddress.of(remote.address()), remote.prefixLength());
        PortSelector localPorts = ports(local);
        PortSelector remotePorts = ports(remote);
        return switch (upper) {
            case UpperLayer.AnyProtocol any -> new TrafficSelector(localRange, remoteRange,
                    TrafficSelector.ANY_PROTOCOL, localPorts, remotePorts);
            case UpperLayer.Protocol protocol -> new TrafficSelector(localRange, remoteRange, protocol.number(),
                    localPorts, remotePorts);
            // RFC 4301 §4.4.1.1: type in the high byte and code in the low byte of the local "port".
            case UpperLayer.Icmp icmp -> new TrafficSelector(localRange, remoteRange, icmp.protocol(),
                    PortSelector.icmp(icmp.type(), icmp.code()), PortSelector.ANY);
        };
    }

    private static PortSelector ports(AddressSelector side) {
        return side.port().isAny() ? PortSelector.ANY : PortSelector.port(side.port().number());
    }

    private static PolicyAction action(org.ipsec4j.daemon.config.setkey.PolicyAction action, Direction direction)
            throws TranslationException {
        return switch (action) {
            case org.ipsec4j.daemon.config.setkey.PolicyAction.Discard d -> PolicyAction.DISCARD;
            case org.ipsec4j.daemon.config.setkey.PolicyAction.Bypass b -> PolicyAction.BYPASS;
            case org.ipsec4j.daemon.config.setkey.PolicyAction.Protect protect -> {
                if (protect.requests().size() > 1) {
                    throw new TranslationException("SA bundles (several rules in one policy) are not supported; "
                            + "use one esp or ah rule (ESP with an AEAD or an HMAC protects integrity by itself)");
                }
                yield new PolicyAction.Protect(template(protect.requests().getFirst(), direction));
            }
        };
    }

    private static IpsecTemplate template(IpsecRequest request, Direction direction) throws TranslationException {
        SecurityProtocol protocol = request.protocol() == org.ipsec4j.daemon.config.setkey.SecurityProtocol.AH
                ? SecurityProtocol.AH : SecurityProtocol.ESP;
        IpsecTemplate.Level level = request.level() == IpsecRequest.Level.USE ? IpsecTemplate.Level.USE
                : IpsecTemplate.Level.REQUIRE; // default, require and unique: never send protected traffic in the clear
        if (request.mode() == IpsecRequest.Mode.TRANSPORT) {
            return new IpsecTemplate(protocol, IpsecMode.TRANSPORT, null, null, level, request.uniqueId());
        }
        // The rule names the endpoints as packets travel: source-destination of the ESP packets.
        IpAddress source = IpAddress.of(request.tunnelSource().orElseThrow().address());
        IpAddress destination = IpAddress.of(request.tunnelDestination().orElseThrow().address());
        boolean outbound = direction == Direction.OUT;
        return new IpsecTemplate(protocol, IpsecMode.TUNNEL, outbound ? source : destination,
                outbound ? destination : source, level, request.uniqueId());
    }

    private static String text(InetAddress address) {
        return IpAddress.of(address).toString();
    }
}
