package org.ipsec4j.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * swanctl.conf files for two daemons on a {@link TunnelLab} (left 192.0.2.1, right 192.0.2.2, inner 10.0.1.0/24
 * and 10.0.2.0/24), and starting the pair with {@code --conf}.
 */
final class IkeLab {

    static final String PSK = "a lab pre-shared key of decent length";
    static final String LEFT_ID = "left.lab.ipsec4j.test";
    static final String RIGHT_ID = "right.lab.ipsec4j.test";

    private IkeLab() {}

    /** What varies between the tests. */
    record Options(TunnelLab.Outer outer, boolean encap, String leftSecret, String rightSecret, boolean leftStarts,
            boolean virtualIp) {

        static Options plain() {
            return new Options(TunnelLab.Outer.V4, false, PSK, PSK, false, false);
        }

        Options over(TunnelLab.Outer other) {
            return new Options(other, encap, leftSecret, rightSecret, leftStarts, virtualIp);
        }

        Options withEncap() {
            return new Options(outer, true, leftSecret, rightSecret, leftStarts, virtualIp);
        }

        Options withSecrets(String left, String right) {
            return new Options(outer, encap, left, right, leftStarts, virtualIp);
        }

        Options startingLeft() {
            return new Options(outer, encap, leftSecret, rightSecret, true, virtualIp);
        }

        Options withVirtualIp() {
            return new Options(outer, encap, leftSecret, rightSecret, leftStarts, true);
        }
    }

    static String left(Options o) {
        return config(o.outer().left, o.outer().right, LEFT_ID, RIGHT_ID, o.virtualIp() ? "dynamic" : "10.0.1.0/24",
                "10.0.2.0/24", o.encap(), o.leftSecret(), o.leftStarts(), o.virtualIp() ? "    vips = 0.0.0.0\n" : "",
                "");
    }

    static String right(Options o) {
        return config(o.outer().right, o.outer().left, RIGHT_ID, LEFT_ID, "10.0.2.0/24",
                o.virtualIp() ? "dynamic" : "10.0.1.0/24", o.encap(), o.rightSecret(), false,
                o.virtualIp() ? "    pools = clients\n" : "",
                o.virtualIp() ? "pools {\n  clients {\n    addrs = 10.3.0.0/24\n  }\n}\n" : "");
    }

    private static String config(String local, String remote, String localId, String remoteId, String localTs,
            String remoteTs, boolean encap, String secret, boolean start, String extra, String pools) {
        return pools + """
                connections {
                  lab {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes128gcm16-prfsha256-x25519
                    encap = %s
                %s    local {
                      auth = psk
                      id = %s
                    }
                    remote {
                      auth = psk
                      id = %s
                    }
                    children {
                      net {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = aes128gcm16
                        start_action = %s
                      }
                    }
                  }
                }
                secrets {
                  ike-lab {
                    id-1 = %s
                    id-2 = %s
                    secret = "%s"
                  }
                }
                """.formatted(local, remote, encap ? "yes" : "no", extra, localId, remoteId, localTs, remoteTs,
                start ? "start" : "none", localId, remoteId, secret);
    }

    /** Both daemons on their swanctl.conf, started side by side, ready. */
    static DaemonProcess[] startPair(TunnelLab lab, Options options) {
        Path leftConf = lab.write("left.swanctl.conf", left(options));
        Path rightConf = lab.write("right.swanctl.conf", right(options));
        DaemonProcess r = DaemonProcess.launchDaemon(lab.right, lab.control("right"), List.of("-Xmx256m"), "--conf",
                rightConf.toString());
        DaemonProcess l = DaemonProcess.launchDaemon(lab.left, lab.control("left"), List.of("-Xmx256m"), "--conf",
                leftConf.toString());
        r.awaitReady();
        l.awaitReady();
        return new DaemonProcess[] {l, r};
    }
}
