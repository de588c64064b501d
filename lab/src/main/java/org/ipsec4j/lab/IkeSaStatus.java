package org.ipsec4j.lab;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One IKE SA as charon reports it ({@code swanctl --list-sas}), from {@link StrongSwan#listSas()}.
 *
 * <p>Algorithm names are strongSwan's ({@code AES_GCM_16}, {@code PRF_HMAC_SHA2_256}, {@code ECP_256},
 * {@code CURVE_25519}); a field charon did not report is empty (e.g. {@code integrity} with an AEAD cipher) and
 * its key size 0. Everything else charon said is in {@link #raw()}.
 *
 * @param name             the connection's name in swanctl.conf
 * @param uniqueId         charon's number for this SA ({@code #1}); a rekeyed IKE SA gets a new one
 * @param state            {@code ESTABLISHED}, {@code CONNECTING}, {@code REKEYING}, {@code DELETING}, ...
 * @param initiator        whether this charon initiated the SA (after a rekey: the rekeyed SA)
 * @param initiatorSpi     the IKE initiator's SPI
 * @param responderSpi     the IKE responder's SPI (0 while connecting)
 * @param natLocal         this end is behind a NAT (as charon's NAT detection found)
 * @param natRemote        the peer is behind a NAT; kernel-libipsec fakes this to force UDP encapsulation
 * @param natFake          charon pretends a NAT to force UDP encapsulation ({@code encap = yes})
 * @param natAny           any of the NAT flags
 */
public record IkeSaStatus(String name, long uniqueId, int version, String state, boolean initiator,
                          InetAddress localHost, int localPort, String localId,
                          InetAddress remoteHost, int remotePort, String remoteId,
                          long initiatorSpi, long responderSpi,
                          String encryption, int encryptionKeySize, String integrity, int integrityKeySize,
                          String prf, String dhGroup,
                          boolean natLocal, boolean natRemote, boolean natFake, boolean natAny,
                          List<ChildSaStatus> children, ViciSection raw) {

    public IkeSaStatus {
        children = List.copyOf(children);
    }

    /**
     * Every IKE SA in the output of {@code swanctl --list-sas --pretty}: one {@code list-sa event} per IKE SA,
     * each holding one section named after the connection.
     */
    public static List<IkeSaStatus> parseListSas(String prettyOutput) {
        List<IkeSaStatus> sas = new ArrayList<>();
        for (ViciSection message : ViciSection.parsePretty(prettyOutput)) {
            if (message.name().equals("list-sa event")) {
                message.sections().forEach(ike -> sas.add(of(ike)));
            }
        }
        return List.copyOf(sas);
    }

    /** Reads one IKE SA section of a {@code list-sa} event. */
    public static IkeSaStatus of(ViciSection ike) {
        List<ChildSaStatus> children = ike.section("child-sas").map(s -> s.sections().stream()
                .map(ChildSaStatus::of).toList()).orElse(List.of());
        return new IkeSaStatus(ike.name(), number(ike, "uniqueid"), (int) number(ike, "version"),
                ike.value("state", ""), yes(ike, "initiator"),
                address(ike, "local-host"), (int) number(ike, "local-port"), ike.value("local-id", ""),
                address(ike, "remote-host"), (int) number(ike, "remote-port"), ike.value("remote-id", ""),
                hexLong(ike, "initiator-spi"), hexLong(ike, "responder-spi"),
                ike.value("encr-alg", ""), (int) number(ike, "encr-keysize"),
                ike.value("integ-alg", ""), (int) number(ike, "integ-keysize"),
                ike.value("prf-alg", ""), ike.value("dh-group", ""),
                yes(ike, "nat-local"), yes(ike, "nat-remote"), yes(ike, "nat-fake"), yes(ike, "nat-any"),
                children, ike);
    }

    public boolean isEstablished() {
        return state.equals("ESTABLISHED");
    }

    /** This end's own IKE SPI: the initiator SPI if this charon initiated the SA, else the responder SPI. */
    public long localSpi() {
        return initiator ? initiatorSpi : responderSpi;
    }

    /** The peer's IKE SPI. */
    public long remoteSpi() {
        return initiator ? responderSpi : initiatorSpi;
    }

    /** The installed child SA of that name; a rekey leaves the old one listed for a while as {@code DELETED}. */
    public Optional<ChildSaStatus> installedChild(String childName) {
        return children.stream().filter(c -> c.name().equals(childName) && c.isInstalled()).findFirst();
    }

    /** {@code AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256}, as swanctl prints an IKE proposal. */
    public String proposal() {
        StringBuilder out = new StringBuilder(encryption);
        if (encryptionKeySize > 0) {
            out.append('-').append(encryptionKeySize);
        }
        if (!integrity.isEmpty()) {
            out.append('/').append(integrity);
            if (integrityKeySize > 0) {
                out.append('-').append(integrityKeySize);
            }
        }
        if (!prf.isEmpty()) {
            out.append('/').append(prf);
        }
        if (!dhGroup.isEmpty()) {
            out.append('/').append(dhGroup);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder().append(name).append(" #").append(uniqueId).append(' ').append(state)
                .append(initiator ? " (initiator) " : " (responder) ")
                .append(hostPort(localHost, localPort)).append(" '").append(localId).append("' <-> ")
                .append(hostPort(remoteHost, remotePort)).append(" '").append(remoteId).append("' SPIs ")
                .append(String.format("%016x_i %016x_r ", initiatorSpi, responderSpi)).append(proposal());
        if (natAny) {
            out.append(" NAT[").append(natLocal ? " local" : "").append(natRemote ? " remote" : "")
                    .append(natFake ? " fake" : "").append(" ]");
        }
        children.forEach(c -> out.append("\n  ").append(c));
        return out.toString();
    }

    private static String hostPort(InetAddress host, int port) {
        return (host == null ? "?" : host.getHostAddress()) + "[" + port + "]";
    }

    static boolean yes(ViciSection section, String key) {
        return section.value(key, "no").equals("yes");
    }

    static long number(ViciSection section, String key) {
        String text = section.value(key, "0");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' in section " + section.name() + " is not a number: " + text, e);
        }
    }

    static long hexLong(ViciSection section, String key) {
        String text = section.value(key, "0");
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' in section " + section.name() + " is not hex: " + text, e);
        }
    }

    private static InetAddress address(ViciSection section, String key) {
        return section.value(key).filter(t -> !t.isEmpty() && !t.equals("%any")).map(InetAddress::ofLiteral)
                .orElse(null);
    }
}
