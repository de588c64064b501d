package org.ipsec4j.daemon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.ipsec4j.linux.IpPrefix;
import org.ipsec4j.linux.NetworkNamespace;
import org.ipsec4j.linux.TunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fail-closed prohibit routes across a reboot (seed 002): the state directory still lists them, the kernel
 * has lost them. The next daemon puts them back at once, keeps the one its own tunnel needs (a prefix it counts as
 * prohibited never gets a prohibit route again), and releases the others once its routes are in place.
 */
@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelNetworkFailClosedTest {

    private static final int TABLE = 4500;

    @Test
    void prohibitRoutesListedBeforeARebootAreBackWhenTheDaemonStarts(Lab lab, @TempDir Path stateDirectory)
            throws Exception {
        Namespace host = lab.host("rebooted");
        Path state = TunnelNetwork.stateFile(stateDirectory, TABLE);
        Files.writeString(state, "2001:db8:2::2/128\n198.51.100.0/24\n");
        assertEquals("", routes(host, "-6") + routes(host, "-4"), "a fresh boot: nothing in the table");
        List<String> log = new CopyOnWriteArrayList<>();

        TunnelNetwork network = NetworkNamespace.named(host.netnsName()).call(() -> TunnelNetwork.open(
                TunOptions.defaults().withName("ipsec4j0"), 1400, TABLE, 0x4500, 4500, state, log::add));
        try {
            assertTrue(routes(host, "-6").contains("prohibit 2001:db8:2::2"), () -> routes(host, "-6") + log);
            assertTrue(routes(host, "-4").contains("prohibit 198.51.100.0/24"), () -> routes(host, "-4") + log);

            network.setRoutes(List.of(new TunnelRoute(IpPrefix.parse("2001:db8:2::2/128"), null)));
            network.releaseLeftovers();
            String v6 = routes(host, "-6");
            assertTrue(v6.contains("2001:db8:2::2 dev ipsec4j0") && v6.contains("prohibit 2001:db8:2::2"), v6);
            assertEquals("", routes(host, "-4"), "the prefix nothing protects any more is released");
        } finally {
            network.close(true); // as a crash would leave it: the rule and the prohibit routes stay
        }
        assertEquals("prohibit 2001:db8:2::2 dev lo metric 65535 pref medium", routes(host, "-6"));
        assertEquals(List.of(IpPrefix.parse("2001:db8:2::2/128")),
                Files.readAllLines(state).stream().map(IpPrefix::parse).toList(), "the state file lists what stays");
    }

    /** The table's routes; none while the table does not exist yet (ip then fails). */
    private static String routes(Namespace host, String family) {
        return host.exec("ip", family, "route", "show", "table", Integer.toString(TABLE)).stdout().strip();
    }
}
