package org.ipsec4j.esp.spd;

import java.util.Objects;

import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * The processing a PROTECT policy asks for (RFC 4301 §4.4.1.2, setkey's {@code esp/tunnel/A-B/require}):
 * protocol, mode, tunnel endpoints (tunnel mode only; their family may differ from the selectors'), level and
 * an optional request id that ties the policy to its SAs.
 *
 * @param reqid 0 for "any SA with this protocol and mode"; otherwise SAs must carry the same reqid
 */
public record IpsecTemplate(SecurityProtocol protocol, IpsecMode mode, IpAddress tunnelLocal, IpAddress tunnelRemote,
                            Level level, int reqid) {

    /** What to do when no SA is available for an outbound packet. */
    public enum Level {
        /** Drop the packet (and let IKE negotiate an SA). */
        REQUIRE,
        /** Send the packet in the clear; accept it in the clear inbound too. */
        USE
    }

    public IpsecTemplate {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(level, "level");
        if (mode == IpsecMode.TUNNEL) {
            Objects.requireNonNull(tunnelLocal, "tunnelLocal");
            Objects.requireNonNull(tunnelRemote, "tunnelRemote");
            if (tunnelLocal.family() != tunnelRemote.family()) {
                throw new IllegalArgumentException("tunnel endpoints of different families: " + tunnelLocal + " - " + tunnelRemote);
            }
        }
    }

    public static IpsecTemplate tunnel(SecurityProtocol protocol, IpAddress local, IpAddress remote) {
        return new IpsecTemplate(protocol, IpsecMode.TUNNEL, local, remote, Level.REQUIRE, 0);
    }

    public static IpsecTemplate transport(SecurityProtocol protocol) {
        return new IpsecTemplate(protocol, IpsecMode.TRANSPORT, null, null, Level.REQUIRE, 0);
    }

    public IpsecTemplate withLevel(Level newLevel) {
        return new IpsecTemplate(protocol, mode, tunnelLocal, tunnelRemote, newLevel, reqid);
    }

    public IpsecTemplate withReqid(int newReqid) {
        return new IpsecTemplate(protocol, mode, tunnelLocal, tunnelRemote, level, newReqid);
    }

    /** Whether an SA is one this template accepts (RFC 4301 §5.2 step 4: the SA's policy). */
    public boolean accepts(SecurityAssociation sa) {
        return sa.protocol() == protocol && sa.mode() == mode && (reqid == 0 || reqid == sa.reqid());
    }

    @Override
    public String toString() {
        String m = mode == IpsecMode.TUNNEL ? "tunnel/" + tunnelLocal + "-" + tunnelRemote : "transport/";
        return protocol.name().toLowerCase() + "/" + m + "/" + level.name().toLowerCase() + (reqid != 0 ? ":" + reqid : "");
    }
}
