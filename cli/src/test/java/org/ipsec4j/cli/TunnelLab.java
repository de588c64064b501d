package org.ipsec4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;

/**
 * Two lab hosts joined by a veth link, ready for a pair of daemons:
 *
 * <pre>
 *   left  192.0.2.1 / 2001:db8::1   ----   right 192.0.2.2 / 2001:db8::2
 *   inner 10.0.1.1 (lo)                    inner 10.0.2.1 (lo)
 * </pre>
 *
 * and the setkey file both load: AES-GCM-128, SPI 0x1001 left to right and 0x1002 back, tunnel mode between
 * 10.0.1.0/24 and 10.0.2.0/24 or transport mode between the two hosts, ESP in UDP or raw ESP.
 */
final class TunnelLab {

    static final String KEY_LEFT_TO_RIGHT = "0x4a1cbf7e0d93a2c56e18f0b3d7c249a1c0ffee01";
    static final String KEY_RIGHT_TO_LEFT = "0x9e47d25a61bc08f3a7c5e2d1904b6f38c0ffee02";
    static final int SPI_LEFT_TO_RIGHT = 0x1001;
    static final int SPI_RIGHT_TO_LEFT = 0x1002;
    static final String LEFT_INNER = "10.0.1.1";
    static final String RIGHT_INNER = "10.0.2.1";

    enum Outer {
        V4("192.0.2.1", "192.0.2.2", 24),
        V6("2001:db8::1", "2001:db8::2", 64);

        final String left;
        final String right;
        final int prefix;

        Outer(String left, String right, int prefix) {
            this.left = left;
            this.right = right;
            this.prefix = prefix;
        }
    }

    enum Mode { TUNNEL, TRANSPORT }

    enum Encapsulation { UDP, RAW }

    record Setup(Outer outer, Mode mode, Encapsulation encapsulation) {

        /** The address the left host sends inner traffic from, and the right one's. */
        String leftInner() {
            return mode == Mode.TUNNEL ? LEFT_INNER : outer.left;
        }

        String rightInner() {
            return mode == Mode.TUNNEL ? RIGHT_INNER : outer.right;
        }

        /** Extra daemon arguments: raw ESP needs --encap none (the file says plain esp then). */
        String[] daemonArguments() {
            return encapsulation == Encapsulation.RAW ? new String[] {"--encap", "none"} : new String[0];
        }

        /** The setkey file both ends load. */
        String setkey() {
            String l = outer.left;
            String r = outer.right;
            boolean udp = encapsulation == Encapsulation.UDP;
            String protocol = udp ? "esp-udp" : "esp";
            String lp = udp ? "[4500]" : "";
            String m = mode == Mode.TUNNEL ? "tunnel" : "transport";
            StringBuilder text = new StringBuilder("flush;\nspdflush;\n");
            text.append("add ").append(l).append(lp).append(' ').append(r).append(lp).append(' ').append(protocol)
                    .append(" 0x1001 -m ").append(m).append(" -r 64 -E aes-gcm-16 ").append(KEY_LEFT_TO_RIGHT)
                    .append(";\n");
            text.append("add ").append(r).append(lp).append(' ').append(l).append(lp).append(' ').append(protocol)
                    .append(" 0x1002 -m ").append(m).append(" -r 64 -E aes-gcm-16 ").append(KEY_RIGHT_TO_LEFT)
                    .append(";\n");
            if (mode == Mode.TUNNEL) {
                policy(text, "10.0.1.0/24", "10.0.2.0/24", "out", "esp/tunnel/" + l + "-" + r + "/require");
                policy(text, "10.0.2.0/24", "10.0.1.0/24", "in", "esp/tunnel/" + r + "-" + l + "/require");
                policy(text, "10.0.2.0/24", "10.0.1.0/24", "out", "esp/tunnel/" + r + "-" + l + "/require");
                policy(text, "10.0.1.0/24", "10.0.2.0/24", "in", "esp/tunnel/" + l + "-" + r + "/require");
            } else {
                policy(text, l, r, "out", "esp/transport//require");
                policy(text, r, l, "in", "esp/transport//require");
                policy(text, r, l, "out", "esp/transport//require");
                policy(text, l, r, "in", "esp/transport//require");
            }
            return text.toString();
        }

        private static void policy(StringBuilder text, String source, String destination, String direction,
                String rule) {
            text.append("spdadd ").append(source).append(' ').append(destination).append(" any -P ").append(direction)
                    .append(" ipsec ").append(rule).append(";\n");
        }

        @Override
        public String toString() {
            return mode.name().toLowerCase() + " mode, " + (encapsulation == Encapsulation.UDP ? "ESP in UDP" : "raw ESP")
                    + ", " + (outer == Outer.V4 ? "IPv4" : "IPv6") + " outer";
        }
    }

    final Lab lab;
    final Namespace left;
    final Namespace right;
    final Link link;
    final Path directory;

    TunnelLab(Lab lab) {
        this.lab = lab;
        left = lab.host("left");
        right = lab.host("right");
        link = lab.link(left, right, 1500);
        for (Outer outer : Outer.values()) {
            link.a().addAddress(outer.left + "/" + outer.prefix);
            link.b().addAddress(outer.right + "/" + outer.prefix);
        }
        left.ip("addr", "add", LEFT_INNER + "/32", "dev", "lo");
        right.ip("addr", "add", RIGHT_INNER + "/32", "dev", "lo");
        try {
            directory = Files.createTempDirectory("ipsec4j-lab-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String name, String text) {
        try {
            return Files.writeString(directory.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path control(String name) {
        return directory.resolve(name + ".sock");
    }

    /** Both daemons on one setkey file, started side by side. */
    DaemonProcess[] startPair(Setup setup) {
        Path setkey = write("tunnel.setkey", setup.setkey());
        DaemonProcess l = DaemonProcess.launch(left, setkey, control("left"), java.util.List.of("-Xmx256m"),
                setup.daemonArguments());
        DaemonProcess r = DaemonProcess.launch(right, setkey, control("right"), java.util.List.of("-Xmx256m"),
                setup.daemonArguments());
        l.awaitReady();
        r.awaitReady();
        return new DaemonProcess[] {l, r};
    }
}
