package org.ipsec4j.lab;

import java.util.List;

/**
 * One child SA (a pair of ESP or AH SAs) under an {@link IkeSaStatus}. SPIs are as charon prints them: {@code spiIn}
 * is the SPI this end receives on (the peer's {@code spiOut}).
 *
 * @param name      the child's name in swanctl.conf
 * @param uniqueId  charon's number for this child SA ({@code #1}); a rekeyed child gets a new one
 * @param state     {@code INSTALLED}, {@code REKEYING}, {@code REKEYED}, {@code DELETED}, ...
 * @param mode      {@code TUNNEL} or {@code TRANSPORT} (kernel-libipsec knows only tunnel mode)
 * @param protocol  {@code ESP} or {@code AH}
 * @param encap     ESP in UDP (always with kernel-libipsec)
 * @param esn       extended sequence numbers negotiated
 * @param dhGroup   the key exchange of the child's own PFS, empty without
 * @param localTs   this end's traffic selectors, e.g. {@code 10.1.0.0/24}
 * @param remoteTs  the peer's
 */
public record ChildSaStatus(String name, long uniqueId, long reqid, String state, String mode, String protocol,
                            boolean encap, boolean esn, int spiIn, int spiOut,
                            String encryption, int encryptionKeySize, String integrity, int integrityKeySize,
                            String dhGroup, long bytesIn, long packetsIn, long bytesOut, long packetsOut,
                            List<String> localTs, List<String> remoteTs, ViciSection raw) {

    public ChildSaStatus {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    /** Reads one section of a {@code child-sas} list ({@code net-1 { name = net ... }}). */
    public static ChildSaStatus of(ViciSection child) {
        return new ChildSaStatus(child.value("name", child.name()), IkeSaStatus.number(child, "uniqueid"),
                IkeSaStatus.number(child, "reqid"), child.value("state", ""), child.value("mode", ""),
                child.value("protocol", ""), IkeSaStatus.yes(child, "encap"), IkeSaStatus.yes(child, "esn")
                        || child.value("esn", "").equals("1"),
                (int) IkeSaStatus.hexLong(child, "spi-in"), (int) IkeSaStatus.hexLong(child, "spi-out"),
                child.value("encr-alg", ""), (int) IkeSaStatus.number(child, "encr-keysize"),
                child.value("integ-alg", ""), (int) IkeSaStatus.number(child, "integ-keysize"),
                child.value("dh-group", ""),
                IkeSaStatus.number(child, "bytes-in"), IkeSaStatus.number(child, "packets-in"),
                IkeSaStatus.number(child, "bytes-out"), IkeSaStatus.number(child, "packets-out"),
                child.list("local-ts"), child.list("remote-ts"), child);
    }

    public boolean isInstalled() {
        return state.equals("INSTALLED");
    }

    /** {@code AES_GCM_16-128}, or {@code AES_CBC-128/HMAC_SHA2_256_128}, with {@code /<group>} under PFS. */
    public String proposal() {
        StringBuilder out = new StringBuilder(encryption);
        if (encryptionKeySize > 0) {
            out.append('-').append(encryptionKeySize);
        }
        if (!integrity.isEmpty()) {
            out.append(encryption.isEmpty() ? "" : "/").append(integrity);
            if (integrityKeySize > 0) {
                out.append('-').append(integrityKeySize);
            }
        }
        if (!dhGroup.isEmpty()) {
            out.append('/').append(dhGroup);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return String.format("%s #%d %s %s %s%s %s in %08x out %08x (%d/%d packets in/out) %s === %s", name, uniqueId,
                state, mode, protocol, encap ? "-in-UDP" : "", proposal(), spiIn, spiOut, packetsIn, packetsOut,
                localTs, remoteTs);
    }
}
