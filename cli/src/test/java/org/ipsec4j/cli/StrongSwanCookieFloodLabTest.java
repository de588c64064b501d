package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.cli.StrongSwanPeerLab.Setup;
import org.ipsec4j.lab.BackgroundProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of IKE_SA_INIT requests from thousands of source ports of an attacker while strongSwan, the
 * legitimate peer, connects to the daemon (a responder for any address, as a gateway for road warriors is):
 * past its half-open limit the daemon answers every new request with a COOKIE (RFC 7296 §2.6) instead of
 * keeping state, says so in its log and status, stays up, and strongSwan, which returns the cookie, gets its
 * tunnel, which carries pings.
 */
@Tag("lab")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StrongSwanCookieFloodLabTest {

    private static final int REQUESTS = 10000;
    private static final int PER_SECOND = 4000;
    private static final int SOURCE_PORTS = 1000;

    @Test
    void theLegitimatePeerConnectsThroughAnIkeSaInitFlood() throws Exception {
        try (StrongSwanPeerLab peers = StrongSwanPeerLab.create("")) {
            peers.configure(Setup.psk("aes128gcm16-prfsha256-ecp256", "aes128gcm16")
                    .withRemotes("%any", StrongSwanPeerLab.JAVA_OUTER));
            BackgroundProcess flood = peers.attacker().startJava(IkeSaInitFlood.class, StrongSwanPeerLab.JAVA_OUTER,
                    "500", Integer.toString(REQUESTS), Integer.toString(PER_SECOND), Integer.toString(SOURCE_PORTS));
            Thread.sleep(1000); // well into the flood

            long start = System.nanoTime();
            peers.charon.initiate("net", Duration.ofSeconds(30));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(flood.isAlive(), "strongSwan connected while the flood ran");
            peers.awaitJavaSa();
            peers.assertAgree();
            peers.assertPingsBothWays();

            assertEquals(0, flood.waitFor(Duration.ofSeconds(30)), flood.stderrText());
            String report = String.join("\n", flood.stdoutLines());
            Matcher m = Pattern.compile("(\\d+) answers, (\\d+) COOKIE, (\\d+) SA, (\\d+) other").matcher(report);
            assertTrue(m.find(), report);
            long cookies = Long.parseLong(m.group(2));
            long accepted = Long.parseLong(m.group(3));
            String charonLog = Files.readString(peers.charon.log());
            System.out.println("flood: " + report + "; strongSwan connected in " + millis + " ms");
            assertTrue(accepted <= 25, "the daemon kept state for few requests: " + report);
            assertTrue(cookies > REQUESTS / 2, "and demanded a COOKIE from the rest: " + report);
            assertTrue(charonLog.contains("received COOKIE"), "strongSwan was asked for a cookie too");

            assertTrue(peers.daemon().process().isAlive(), "the daemon is up");
            Map<String, Object> ike = MinimalJson.object(peers.status().get("ike"));
            assertEquals(cookies + 1, (Long) ike.get("cookies_demanded"), "status counts the COOKIEs demanded: the "
                    + "flood's and strongSwan's first request's");
            List<String> lines = peers.daemonLog().lines().filter(l -> l.contains("half-open IKE SAs")).toList();
            System.out.println("daemon: " + lines);
            assertTrue(!lines.isEmpty() && lines.getFirst().contains("ike: 20 half-open IKE SAs: new IKE_SA_INIT "
                    + "requests must return a COOKIE (RFC 7296 §2.6); 1 COOKIEs demanded since the last line, 1 in "
                    + "all"), "the daemon says when it starts demanding cookies:\n" + peers.daemonLog());
            assertTrue(lines.size() <= 2, "and then once per 10 s at most: " + lines);
        }
    }
}
