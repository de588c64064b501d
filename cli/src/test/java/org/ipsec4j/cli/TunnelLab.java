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
 * and the setkey file both load: SPI 0x1001 left to right and 0x1002 back, tunnel mode between 10.0.1.0/24 and
 * 10.0.2.0/24 or transport mode between the two hosts; AES-GCM-128 in ESP in UDP or raw ESP, or AH with
 * HMAC-SHA-256-128.
 */
final class TunnelLab {

    static final String KEY_LEFT_TO_RIGHT = "0x4a1cbf7e0d93a2c56e18f0b3d7c249a1c0ffee01";
    static final String KEY_RIGHT_TO_LEFT = "0x9e47d25a61bc08f3a7c5e2d1904b6f38c0ffee02";
    static final String AH_KEY_LEFT_TO_RIGHT = "0x5c1e0a2b7d3f49e6a8b0c4d2e6f81a3b5c7d9e0f1a2b3c4d5e6f708192a3b4c5";
    static final String AH_KEY_RIGHT_TO_LEFT = "0xe3a1b2c4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a";
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

    /** How the SAs travel: ESP in UDP (RFC 3948), raw ESP (IP protocol 50), or AH (51; never in UDP). */
    enum Encapsulation { UDP, RAW, AH }

    record Setup(Outer outer, Mode mode, Encapsulation encapsulation) {

        /** The address the left host sends inner traffic from, and the right one's. */
        String leftInner() {
            return mode == Mode.TUNNEL ? LEFT_INNER : outer.left;
        }

        String rightInner() {
            return mode == Mode.TUNNEL ? RIGHT_INNER : outer.right;
        }

        /** What status calls the SAs' algorithms: encryption (null for AH) and integrity. */
        String encryptionName() {
            return encapsulation == Encapsulation.AH ? null : "aes-gcm-16-128";
        }

        String integrityName() {
            return encapsulation == Encapsulation.AH ? "hmac-sha2-256-128" : "none";
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
            boolean ah = encapsulation == Encapsulation.AH;
            String protocol = udp ? "esp-udp" : ah ? "ah" : "esp";
            String lp = udp ? "[4500]" : "";
            String m = mode == Mode.TUNNEL ? "tunnel" : "transport";
            String keysLeftToRight = ah ? "-A hmac-sha256 " + AH_KEY_LEFT_TO_RIGHT : "-E aes-gcm-16 " + KEY_LEFT_TO_RIGHT;
            String keysRightToLeft = ah ? "-A hmac-sha256 " + AH_KEY_RIGHT_TO_LEFT : "-E aes-gcm-16 " + KEY_RIGHT_TO_LEFT;
            StringBuilder text = new StringBuilder("flush;\nspdflush;\n");
            text.append("add ").append(l).append(lp).append(' ').append(r).append(lp).append(' ').append(protocol)
                    .append(" 0x1001 -m ").append(m).append(" -r 64 ").append(keysLeftToRight).append(";\n");
            text.append("add ").append(r).append(lp).append(' ').append(l).append(lp).append(' ').append(protocol)
                    .append(" 0x1002 -m ").append(m).append(" -r 64 ").append(keysRightToLeft).append(";\n");
            String rule = ah ? "ah" : "esp";
            if (mode == Mode.TUNNEL) {
                policy(text, "10.0.1.0/24", "10.0.2.0/24", "out", rule + "/tunnel/" + l + "-" + r + "/require");
                policy(text, "10.0.2.0/24", "10.0.1.0/24", "in", rule + "/tunnel/" + r + "-" + l + "/require");
                policy(text, "10.0.2.0/24", "10.0.1.0/24", "out", rule + "/tunnel/" + r + "-" + l + "/require");
                policy(text, "10.0.1.0/24", "10.0.2.0/24", "in", rule + "/tunnel/" + l + "-" + r + "/require");
            } else {
                policy(text, l, r, "out", rule + "/transport//require");
                policy(text, r, l, "in", rule + "/transport//require");
                policy(text, r, l, "out", rule + "/transport//require");
                policy(text, l, r, "in", rule + "/transport//require");
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
            String carrier = switch (encapsulation) {
                case UDP -> "ESP in UDP";
                case RAW -> "raw ESP";
                case AH -> "AH";
            };
            return mode.name().toLowerCase() + " mode, " + carrier + ", " + (outer == Outer.V4 ? "IPv4" : "IPv6")
                    + " outer";
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
        return startPair(setup, java.util.List.of());
    }

    /** The same, with extra JVM options for both (system properties). */
    DaemonProcess[] startPair(Setup setup, java.util.List<String> jvmOptions) {
        Path setkey = write("tunnel.setkey", setup.setkey());
        java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("-Xmx256m"));
        options.addAll(jvmOptions);
        DaemonProcess l = DaemonProcess.launch(left, setkey, control("left"), options, setup.daemonArguments());
        DaemonProcess r = DaemonProcess.launch(right, setkey, control("right"), options, setup.daemonArguments());
        l.awaitReady();
        r.awaitReady();
        return new DaemonProcess[] {l, r};
    }
}
