package org.ipsec4j.ike.sa;

import java.util.List;
import java.util.Objects;

import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.TrafficSelector;

/**
 * A negotiated Child SA pair as IKE hands it to the data plane: both ESP SAs with their keys, the outer
 * addresses, UDP encapsulation if NAT was found or forced, and the traffic selectors whose policies protect it.
 * The data plane owns the key arrays from here on (and zeroes them when the SAs die).
 *
 * @param reqid ties the pair to its policies; a rekeyed pair keeps the reqid of the pair it replaces
 * @param selectors each selector oriented local/remote, the product of the negotiated TSi × TSr
 * @param encapsulation ESP in UDP ports, or null for plain ESP
 * @param dontFragment the outer DF bit (tunnel mode)
 * @param prefragment fragment too-big inner packets without DF before encryption
 */
public record ChildSaInstallation(String name, int reqid, IpsecMode mode, EspTransform transform,
                                  int inboundSpi, int outboundSpi, byte[] inboundEncryptionKey,
                                  byte[] inboundIntegrityKey, byte[] outboundEncryptionKey,
                                  byte[] outboundIntegrityKey, boolean extendedSequenceNumbers,
                                  IpAddress localAddress, IpAddress remoteAddress, UdpEncapsulation encapsulation,
                                  boolean sendKeepalives, int replayWindow, List<TrafficSelector> selectors,
                                  DontFragmentPolicy dontFragment, boolean prefragment) {

    public ChildSaInstallation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        selectors = List.copyOf(selectors);
        Objects.requireNonNull(dontFragment, "dontFragment");
    }

    @Override
    public String toString() {
        return name + " reqid " + reqid + " " + transform + " in " + Integer.toHexString(inboundSpi) + " out "
                + Integer.toHexString(outboundSpi) + " " + localAddress + " <-> " + remoteAddress
                + (encapsulation != null ? " udp " + encapsulation.localPort() + "/" + encapsulation.remotePort() : "")
                + " " + selectors;
    }
}
