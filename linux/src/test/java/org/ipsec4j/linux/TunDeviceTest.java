package org.ipsec4j.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.junit.UsesLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@UsesLab
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunDeviceTest {

    @Test
    void opensInTheNamespace(Lab lab) throws Exception {
        Namespace ns = lab.host("t");
        NetworkNamespace netns = NetworkNamespace.named(ns.netnsName());
        try (TunDevice tun = netns.call(TunDevice::open)) {
            assertEquals("tun0", tun.name());
            String link = ns.ip("-d", "link", "show", "dev", "tun0").stdout();
            System.out.println(link);
            assertTrue(link.contains("tun type tun pi off"), link);
        }
    }
}
