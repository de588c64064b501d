package org.ipsec4j.ike.sa;

import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.message.CertificateRequestPayload;
import org.ipsec4j.ike.message.ConfigAttribute;
import org.ipsec4j.ike.message.ConfigurationPayload;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IdentificationPayload;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;

/**
 * IKE_AUTH (RFC 7296 §1.2): identities, certificates, AUTH, the configuration payload for a virtual IP
 * (§2.19) and the first Child SA. Both roles: the initiator's task and {@link #respond}.
 */
final class IkeAuthTask implements Task {

    private static final int CFG_REQUEST = 1;
    private static final int CFG_REPLY = 2;
    private static final int CERT_X509 = 4;

    private final ChildCreateTask child;

    IkeAuthTask(ChildConnection firstChild) {
        this(firstChild == null ? null : ChildCreateTask.create(firstChild));
    }

    /** With the exchange that creates the first Child SA (one replacing another, for an ESP path repair). */
    IkeAuthTask(ChildCreateTask firstChild) {
        this.child = firstChild;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.IKE_AUTH;
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) throws IkeFailure {
        List<Payload> p = new ArrayList<>();
        IdentificationPayload id = Authenticator.ourId(sa, true);
        p.add(id);
        List<Payload> auth = Authenticator.authenticate(sa, id);
        p.addAll(auth.subList(0, auth.size() - 1)); // CERT payloads come before AUTH (§1.2 order)
        if (sa.config.remote().kind() == LocalAuthentication.AuthKind.PUBKEY) {
            p.add(new CertificateRequestPayload(CERT_X509, sa.config.remote().trust().certificateRequestData()));
        }
        if (!sa.config.remote().id().isAny()) {
            org.ipsec4j.ike.auth.Identity r = sa.config.remote().id();
            p.add(new IdentificationPayload(false, r.type(), r.data()));
        }
        p.add(auth.get(auth.size() - 1));
        if (sa.config.requestVirtualIp()) {
            p.add(new ConfigurationPayload(CFG_REQUEST, List.of(
                    new ConfigAttribute(ConfigAttribute.INTERNAL_IP4_ADDRESS, new byte[0]),
                    new ConfigAttribute(ConfigAttribute.INTERNAL_IP4_DNS, new byte[0]))));
        }
        if (sa.initialContact) {
            // §2.4: not when this SA is to take over from another of ours that still lives (ESP path repair).
            p.add(Notifies.status(NotifyType.INITIAL_CONTACT));
        }
        if (child != null) {
            p.addAll(child.childRequest(sa, true));
        }
        return p;
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) throws IkeFailure {
        NotifyPayload authFailed = Notifies.find(payloads, NotifyType.AUTHENTICATION_FAILED);
        if (authFailed != null) {
            throw new IkeFailure("peer rejected our authentication (AUTHENTICATION_FAILED)", null, true, false);
        }
        Authenticator.verifyPeer(sa, payloads, false);
        ConfigurationPayload cp = Notifies.first(payloads, ConfigurationPayload.class);
        if (cp != null && cp.cfgType() == CFG_REPLY) {
            for (ConfigAttribute a : cp.attributes()) {
                if (a.type() == ConfigAttribute.INTERNAL_IP4_ADDRESS && a.value().length == 4) {
                    sa.virtualIp = IpAddress.read(IpFamily.IPV4, a.value(), 0);
                } else if (a.type() == ConfigAttribute.INTERNAL_IP6_ADDRESS && a.value().length == 17) {
                    sa.virtualIp = IpAddress.read(IpFamily.IPV6, a.value(), 0);
                }
            }
        }
        if (sa.config.requestVirtualIp() && sa.virtualIp == null) {
            throw IkeFailure.error("peer assigned no virtual IP", NotifyType.FAILED_CP_REQUIRED);
        }
        established(sa, now);
        if (sa.virtualIp != null) {
            sa.engine.event(IkeEvent.Kind.VIRTUAL_IP_ASSIGNED, sa, sa.virtualIp.toString());
        }
        if (child != null) {
            child.complete(sa, payloads, sa.nonceI, now);
        }
    }

    static void established(IkeSa sa, long now) {
        sa.state = IkeSa.State.ESTABLISHED;
        sa.establishedAt = now;
        sa.scheduleRekey(now);
        sa.scheduleDpd(now);
        sa.startPathWatch(now);
        sa.engine.event(IkeEvent.Kind.IKE_SA_ESTABLISHED, sa, sa.local + " " + sa.config.local().id() + " ... "
                + sa.remote + " " + sa.peerId + " " + sa.suite + (sa.natLocal ? " (we are behind NAT)" : "")
                + (sa.natRemote ? " (peer behind NAT)" : ""));
    }

    /** The responder's side of IKE_AUTH. */
    static Responder.Answer respond(IkeSa sa, List<Payload> payloads, long now) throws IkeFailure {
        if (sa.state != IkeSa.State.CONNECTING) {
            throw IkeFailure.error("IKE_AUTH on an established IKE SA", NotifyType.INVALID_SYNTAX);
        }
        Authenticator.verifyPeer(sa, payloads, true);
        List<Payload> out = new ArrayList<>();
        IdentificationPayload id = Authenticator.ourId(sa, false);
        out.add(id);
        out.addAll(Authenticator.authenticate(sa, id));
        ConfigurationPayload cp = Notifies.first(payloads, ConfigurationPayload.class);
        if (cp != null && cp.cfgType() == CFG_REQUEST && sa.config.pool() != null) {
            AddressPool pool = sa.config.pool();
            String owner = sa.peerId.toString();
            IpAddress vip = pool.acquire(owner);
            if (vip == null) {
                sa.engine.event(IkeEvent.Kind.IKE_SA_FAILED, sa, "pool " + pool.name() + " exhausted");
                out.add(Notifies.error(NotifyType.INTERNAL_ADDRESS_FAILURE));
            } else {
                sa.assignedVirtualIp = vip;
                sa.poolLeaseOwner = owner;
                List<ConfigAttribute> attrs = new ArrayList<>();
                attrs.add(new ConfigAttribute(vip.family() == IpFamily.IPV4 ? ConfigAttribute.INTERNAL_IP4_ADDRESS
                        : ConfigAttribute.INTERNAL_IP6_ADDRESS, vip.family() == IpFamily.IPV4 ? vip.toBytes()
                        : withPrefix(vip.toBytes(), 128)));
                for (IpAddress dns : pool.dns()) {
                    attrs.add(new ConfigAttribute(dns.family() == IpFamily.IPV4 ? ConfigAttribute.INTERNAL_IP4_DNS
                            : ConfigAttribute.INTERNAL_IP6_DNS, dns.toBytes()));
                }
                out.add(new ConfigurationPayload(CFG_REPLY, attrs));
                sa.engine.event(IkeEvent.Kind.VIRTUAL_IP_ASSIGNED, sa, vip + " to " + owner);
            }
        }
        if (Notifies.find(payloads, NotifyType.INITIAL_CONTACT) != null) {
            sa.engine.initialContact(sa, now);
        }
        established(sa, now);
        if (Notifies.first(payloads, org.ipsec4j.ike.message.SecurityAssociationPayload.class) != null) {
            out.addAll(ChildCreateTask.respond(sa, payloads, true, now));
        }
        return new Responder.Answer(out, false);
    }

    private static byte[] withPrefix(byte[] address, int prefix) {
        byte[] b = java.util.Arrays.copyOf(address, address.length + 1);
        b[address.length] = (byte) prefix;
        return b;
    }
}
