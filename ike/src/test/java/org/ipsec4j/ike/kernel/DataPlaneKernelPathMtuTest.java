package org.ipsec4j.ike.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.PathMtuOutcome;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.sa.ChildSaInstallation;
import org.junit.jupiter.api.Test;

/**
 * A Child SA pair in the data plane shares one path MTU (the inbound SA clamps SYNs to what the outbound
 * carries), takes the child's DF policy and prefragmentation, and a rekeyed pair keeps what ICMP taught.
 */
class DataPlaneKernelPathMtuTest {

    private static final EspTransform GCM = new EspTransform(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE);
    private static final IpAddress LOCAL = IpAddress.parse("192.0.2.1");
    private static final IpAddress REMOTE = IpAddress.parse("192.0.2.2");

    private static ChildSaInstallation pair(int in, int out, DontFragmentPolicy df, boolean prefragment) {
        return new ChildSaInstallation("net", 1, IpsecMode.TUNNEL, GCM, in, out, new byte[20], null, new byte[20], null,
                false, LOCAL, REMOTE, UdpEncapsulation.DEFAULT, false, 32,
                List.of(TrafficSelector.between(AddressRange.parse("10.0.1.0/24"), AddressRange.parse("10.0.2.0/24"))),
                df, prefragment);
    }

    private static SecurityAssociation sa(SecurityAssociationDatabase sad, int spi, SecurityAssociation.Flow flow) {
        return sad.list().stream().filter(s -> s.spi() == spi && s.flow() == flow).findFirst().orElseThrow();
    }

    @Test
    void aPairSharesItsPathMtuAndARekeyKeepsIt() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        DataPlaneKernel kernel = new DataPlaneKernel(new DataPlane(new SecurityPolicyDatabase(), sad), () -> 0L);
        kernel.install(pair(0x101, 0x201, DontFragmentPolicy.SET, false), true);
        SecurityAssociation out = sa(sad, 0x201, SecurityAssociation.Flow.OUTBOUND);
        SecurityAssociation in = sa(sad, 0x101, SecurityAssociation.Flow.INBOUND);
        assertSame(out.pathMtu(), in.pathMtu());
        assertEquals(DontFragmentPolicy.SET, out.dontFragment());
        assertFalse(out.prefragment());

        out.pathMtu().setLinkMtu(1500);
        assertEquals(PathMtuOutcome.UPDATED, out.pathMtu().report(1200, 5));
        kernel.install(pair(0x102, 0x202, DontFragmentPolicy.SET, false), true);
        SecurityAssociation rekeyed = sa(sad, 0x202, SecurityAssociation.Flow.OUTBOUND);
        assertNotSame(out.pathMtu(), rekeyed.pathMtu());
        assertEquals(1200, rekeyed.pathMtu().current(), "learned on the old SA, same path");
        assertEquals(1500, rekeyed.pathMtu().linkMtu());
        assertEquals(5, rekeyed.pathMtu().learnedAtNanos(), "and it ages from when it was learned");
    }

    /** IKE's probes (robust branch, PLPMTUD) reach the path MTU of every pair of the reqid and of later pairs. */
    @Test
    void aProbedPathMtuReachesThePairsOfTheReqid() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        DataPlaneKernel kernel = new DataPlaneKernel(new DataPlane(new SecurityPolicyDatabase(), sad), () -> 0L);
        kernel.install(pair(0x101, 0x201, DontFragmentPolicy.COPY, true), true);
        SecurityAssociation out = sa(sad, 0x201, SecurityAssociation.Flow.OUTBOUND);
        out.pathMtu().setLinkMtu(1500);
        kernel.updatePathMtu(1, 1400);
        assertEquals(1400, kernel.pathMtu(1));
        assertEquals(1400, out.pathMtu().current());
        assertEquals(1400, sa(sad, 0x101, SecurityAssociation.Flow.INBOUND).pathMtu().current(), "shared by the pair");

        kernel.install(pair(0x102, 0x202, DontFragmentPolicy.COPY, true), true);
        SecurityAssociation rekeyed = sa(sad, 0x202, SecurityAssociation.Flow.OUTBOUND);
        assertEquals(1400, rekeyed.pathMtu().current(), "a rekeyed pair starts from it");
        kernel.updatePathMtu(1, 1300);
        assertEquals(1300, out.pathMtu().current(), "both pairs while they overlap");
        assertEquals(1300, rekeyed.pathMtu().current());
        kernel.updatePathMtu(1, 1450);
        assertEquals(1450, rekeyed.pathMtu().current(), "a larger value found later raises it again");
    }

    /**
     * The search base for SYNs (IKE's first search running) set before the first pair is installed reaches it, a
     * rekeyed pair and every pair when cleared; it lowers what SYNs are clamped to, never the packets' limit.
     */
    @Test
    void aSearchBaseReachesThePairsOfTheReqidAndLeavesWithThem() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        DataPlaneKernel kernel = new DataPlaneKernel(new DataPlane(new SecurityPolicyDatabase(), sad), () -> 0L);
        kernel.updatePathMtuSearchBase(1, 1280);
        kernel.install(pair(0x101, 0x201, DontFragmentPolicy.COPY, true), true);
        SecurityAssociation out = sa(sad, 0x201, SecurityAssociation.Flow.OUTBOUND);
        out.pathMtu().setLinkMtu(1500);
        assertEquals(1280, kernel.pathMtuSearchBase(1));
        assertEquals(1280, out.pathMtu().currentForSyn());
        assertEquals(1500, out.pathMtu().current(), "packets keep the link's limit");
        assertEquals(1280, sa(sad, 0x101, SecurityAssociation.Flow.INBOUND).pathMtu().currentForSyn(),
                "the inbound SA clamps the SYNs it delivers alike");

        kernel.install(pair(0x102, 0x202, DontFragmentPolicy.COPY, true), true);
        SecurityAssociation rekeyed = sa(sad, 0x202, SecurityAssociation.Flow.OUTBOUND);
        assertEquals(1280, rekeyed.pathMtu().searchBase(), "a pair rekeyed during the search");

        kernel.updatePathMtu(1, 1300);
        kernel.updatePathMtuSearchBase(1, 0);
        assertEquals(0, kernel.pathMtuSearchBase(1));
        assertEquals(1300, out.pathMtu().currentForSyn(), "both pairs follow the confirmed value");
        assertEquals(1300, rekeyed.pathMtu().currentForSyn());

        kernel.updatePathMtuSearchBase(1, 1280);
        kernel.remove(1, 0x101, 0x201);
        kernel.remove(1, 0x102, 0x202);
        assertEquals(0, kernel.pathMtuSearchBase(1), "gone with the reqid's last pair");
    }
}
