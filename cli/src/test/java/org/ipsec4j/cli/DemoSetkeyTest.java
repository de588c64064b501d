package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.daemon.config.ConfigurationHooks;
import org.ipsec4j.daemon.config.LocalAddresses;
import org.ipsec4j.daemon.config.SecurityDatabaseLoader;
import org.ipsec4j.daemon.config.TranslationOptions;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.lab.TunnelDemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The setkey file bin/demo ships loads on both ends: two SAs each, one per direction, and two policies. */
class DemoSetkeyTest {

    @TempDir
    static Path stateRoot;

    @Test
    void eachEndTakesItsHalf() throws Exception {
        for (String[] side : new String[][] {{"192.0.2.1", "10.0.1.1", "4097"}, {"192.0.2.2", "10.0.2.1", "4098"}}) {
            SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
            SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
            List<String> log = new ArrayList<>();
            SecurityDatabaseLoader loader = new SecurityDatabaseLoader(sad, spd, TranslationOptions.defaults(),
                    LocalAddresses.of(List.of(InetAddress.ofLiteral(side[0]), InetAddress.ofLiteral(side[1]))),
                    SequenceStateDirectory.open(Files.createTempDirectory(stateRoot, "state-")),
                    ConfigurationHooks.NONE, System::nanoTime, log::add);
            loader.load(TunnelDemo.setkeyText(), "tunnel-demo.setkey");
            assertEquals(2, sad.size());
            assertEquals(1, spd.policies(Direction.OUT).size());
            assertEquals(1, spd.policies(Direction.IN).size());
            SecurityAssociation out = spd.policies(Direction.OUT).getFirst().outboundSa();
            assertEquals(Integer.parseInt(side[2]), out.spi());
            assertEquals(2, log.size(), "the peer's two policies are skipped: " + log);
        }
    }
}
