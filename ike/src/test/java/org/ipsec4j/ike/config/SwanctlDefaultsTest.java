package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;
import org.junit.jupiter.api.Test;

/** What a connection and a child get when the file says nothing: swanctl.conf(5)'s defaults. */
class SwanctlDefaultsTest {

    private static final String MINIMAL = """
            connections {
                c {
                    local {
                    }
                    remote {
                    }
                    children {
                        ch {
                        }
                    }
                }
            }
            """;

    private static ConnectionConfig connection(String text) throws ConfigException {
        return SwanctlParser.parse(text, "t.conf").connections().get("c");
    }

    @Test
    void connectionDefaults() throws ConfigException {
        ConnectionConfig c = connection(MINIMAL);
        assertEquals(List.of(PeerAddress.ANY), c.localAddrs());
        assertEquals(List.of(PeerAddress.ANY), c.remoteAddrs());
        assertEquals(500, c.localPort());
        assertEquals(500, c.remotePort());
        assertEquals(ProposalParser.defaults(ProposalSpec.Protocol.IKE), c.proposals());
        assertEquals(List.of(), c.vips());
        assertEquals(List.of(), c.pools());
        assertFalse(c.encap());
        assertEquals(ConnectionConfig.Fragmentation.YES, c.fragmentation());
        assertEquals(Duration.ZERO, c.dpdDelay());
        assertEquals(Duration.ZERO, c.dpdTimeout());
        assertEquals(Duration.ofHours(4), c.rekeyTime());
        assertEquals(Duration.ofMinutes(24), c.overTime(), "10% of rekey_time");
        assertEquals(Duration.ofMinutes(24), c.randTime(), "over_time");
        assertEquals(1, c.keyingTries());
        assertEquals(ConnectionConfig.Unique.NO, c.unique());
        assertTrue(c.sendCertRequest());
        assertEquals(ConnectionConfig.SendCert.IFASKED, c.sendCert());
    }

    @Test
    void authRoundDefaults() throws ConfigException {
        ConnectionConfig c = connection(MINIMAL);
        assertEquals(AuthRoundConfig.Method.PUBKEY, c.local().method());
        assertNull(c.local().id(), "from the certificate or the address");
        assertFalse(c.local().hasId());
        assertEquals("%any", c.remote().id());
        assertEquals(List.of(), c.local().certs());
        assertEquals(List.of(), c.remote().caCerts());
        assertEquals("local", c.local().section());
    }

    @Test
    void childDefaults() throws ConfigException {
        ChildConfig ch = connection(MINIMAL).children().get("ch");
        assertEquals(List.of(TrafficSelectorSpec.DYNAMIC), ch.localTs());
        assertEquals(List.of(TrafficSelectorSpec.DYNAMIC), ch.remoteTs());
        assertEquals(ProposalParser.defaults(ProposalSpec.Protocol.ESP), ch.espProposals());
        assertEquals(IpsecMode.TUNNEL, ch.mode());
        assertEquals(ChildConfig.StartAction.NONE, ch.startAction());
        assertEquals(ChildConfig.CloseAction.NONE, ch.closeAction());
        assertEquals(ChildConfig.DpdAction.CLEAR, ch.dpdAction());
        assertEquals(Duration.ofHours(1), ch.rekeyTime());
        assertEquals(Duration.ofMinutes(66), ch.lifeTime(), "rekey_time + 10%");
        assertEquals(Duration.ofMinutes(6), ch.randTime(), "life_time - rekey_time");
        assertEquals(32, ch.replayWindow());
        assertEquals(DontFragmentPolicy.COPY, ch.dontFragment(), "strongSwan's copy_df = yes");
        assertTrue(ch.prefragment());
    }

    @Test
    void dontFragmentPolicyFromCopyDfOrDfBit() throws ConfigException {
        String child = "ch {\n";
        assertEquals(DontFragmentPolicy.CLEAR, connection(MINIMAL.replace(child, child + "copy_df = no\n"))
                .children().get("ch").dontFragment());
        assertEquals(DontFragmentPolicy.COPY, connection(MINIMAL.replace(child, child + "copy_df = yes\n"))
                .children().get("ch").dontFragment());
        for (DontFragmentPolicy p : DontFragmentPolicy.values()) {
            assertEquals(p, connection(MINIMAL.replace(child, child + "df_bit = " + p.keyword() + "\n"))
                    .children().get("ch").dontFragment());
        }
        ChildConfig both = connection(MINIMAL.replace(child, child + "copy_df = no\n df_bit = clear\n prefragment = no\n"))
                .children().get("ch");
        assertEquals(DontFragmentPolicy.CLEAR, both.dontFragment(), "they agree");
        assertFalse(both.prefragment());
    }

    @Test
    void ikeTimesFollowRekeyTime() throws ConfigException {
        ConnectionConfig c = connection(MINIMAL.replace("local {", "rekey_time = 1d\n local {"));
        assertEquals(Duration.ofDays(1), c.rekeyTime());
        assertEquals(Duration.ofSeconds(8640), c.overTime());
        assertEquals(Duration.ofSeconds(8640), c.randTime());

        c = connection(MINIMAL.replace("local {", "over_time = 10m\n local {"));
        assertEquals(Duration.ofMinutes(10), c.randTime(), "rand_time defaults to the configured over_time");

        c = connection(MINIMAL.replace("local {", "rand_time = 0\n local {"));
        assertEquals(Duration.ZERO, c.randTime());
        assertEquals(Duration.ofMinutes(24), c.overTime());

        c = connection(MINIMAL.replace("local {", "rekey_time = 0\n local {"));
        assertEquals(Duration.ZERO, c.overTime());
        assertEquals(Duration.ZERO, c.randTime());
    }

    @Test
    void childTimesFollowRekeyAndLifeTime() throws ConfigException {
        ChildConfig ch = connection(MINIMAL.replace("ch {", "ch {\n rekey_time = 10m")).children().get("ch");
        assertEquals(Duration.ofMinutes(11), ch.lifeTime());
        assertEquals(Duration.ofMinutes(1), ch.randTime());

        ch = connection(MINIMAL.replace("ch {", "ch {\n life_time = 2h")).children().get("ch");
        assertEquals(Duration.ofHours(1), ch.rekeyTime());
        assertEquals(Duration.ofHours(1), ch.randTime(), "life_time - rekey_time");

        ch = connection(MINIMAL.replace("ch {", "ch {\n rekey_time = 0")).children().get("ch");
        assertEquals(Duration.ZERO, ch.lifeTime());
        assertEquals(Duration.ZERO, ch.randTime());
    }

    @Test
    void versionZeroAndTwoAreBothIkev2() throws ConfigException {
        connection(MINIMAL.replace("local {", "version = 0\n local {"));
        connection(MINIMAL.replace("local {", "version = 2\n local {"));
    }

    @Test
    void acceptedButNotModelled() throws ConfigException {
        ConnectionConfig c = connection(MINIMAL.replace("local {", """
                mobike = yes
                reauth_time = 0s
                fragmentation = force
                encap = yes
                local {"""));
        assertEquals(ConnectionConfig.Fragmentation.FORCE, c.fragmentation());
        assertTrue(c.encap());
    }

    @Test
    void booleansAndNumbersInStrongswanFormats() throws ConfigException {
        ConnectionConfig c = connection(MINIMAL.replace("local {", """
                encap = On
                send_certreq = disabled
                local_port = 0x1194
                keyingtries = 0
                local {"""));
        assertTrue(c.encap());
        assertFalse(c.sendCertRequest());
        assertEquals(4500, c.localPort());
        assertEquals(0, c.keyingTries());
    }
}
