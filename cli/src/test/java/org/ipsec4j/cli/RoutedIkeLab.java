package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.pki.IssuedCertificate;

/**
 * Two IKE daemons with a router between them, where firewalls, MTUs and captures go:
 *
 * <pre>
 *   left 192.0.2.1 / 2001:db8:1::1 --- 192.0.2.254 router 198.51.100.254 --- 198.51.100.2 / 2001:db8:2::2 right
 *   inner 10.0.1.1, fd00:1::1 (lo)                                              inner 10.0.2.1, fd00:2::1 (lo)
 * </pre>
 *
 * or, {@linkplain #withNarrowMiddle with a narrow middle}, a second router between the router and right, so
 * that the path is narrower than either gateway's own link; and swanctl.conf files for them from a {@link Conf}.
 */
final class RoutedIkeLab {

    static final String LEFT = "192.0.2.1";
    static final String RIGHT = "198.51.100.2";
    static final String LEFT6 = "2001:db8:1::1";
    static final String RIGHT6 = "2001:db8:2::2";
    static final String LEFT_INNER = "10.0.1.1";
    static final String RIGHT_INNER = "10.0.2.1";
    static final String LEFT_INNER6 = "fd00:1::1";
    static final String RIGHT_INNER6 = "fd00:2::1";
    static final String PSK = "a lab pre-shared key of decent length";
    /** Retransmissions as strongSwan's retransmit_timeout/_base/_tries: a silent peer is given up in about 5 s. */
    static final String QUICK_RETRANSMITS = "-D" + org.ipsec4j.daemon.ike.IkeService.RETRANSMIT_PROPERTY + "=1,1.2,3";

    final Lab lab;
    final Namespace left;
    final Namespace router;
    final Namespace right;
    final Link leftLink;
    final Link rightLink;
    /** The second router and the narrow link to it; null in the one-router lab. */
    final NarrowMiddle middle;
    final Path directory;

    RoutedIkeLab(Lab lab) {
        this(lab, 1500);
    }

    /** @param rightMtu the MTU of the router–right link (the path MTU, when smaller than 1500) */
    RoutedIkeLab(Lab lab, int rightMtu) {
        this(lab, rightMtu, 0);
    }

    /**
     * left --1500-- router --{@code middleMtu}-- core --1500-- right: the path MTU is {@code middleMtu} while
     * both gateways' links are 1500 (seed 003).
     */
    static RoutedIkeLab withNarrowMiddle(Lab lab, int middleMtu) {
        return new RoutedIkeLab(lab, 1500, middleMtu);
    }

    private RoutedIkeLab(Lab lab, int rightMtu, int middleMtu) {
        this.lab = lab;
        left = lab.host("left");
        router = lab.router("router");
        right = lab.host("right");
        leftLink = lab.link(left, router, 1500);
        middle = middleMtu == 0 ? null : NarrowMiddle.between(lab, router, middleMtu,
                List.of("192.0.2.0/24", "2001:db8:1::/64"), List.of("198.51.100.0/24", "2001:db8:2::/64"));
        rightLink = lab.link(middle == null ? router : middle.core(), right, rightMtu);
        leftLink.a().addAddress(LEFT + "/24");
        leftLink.b().addAddress("192.0.2.254/24");
        leftLink.a().addAddress(LEFT6 + "/64");
        leftLink.b().addAddress("2001:db8:1::fe/64");
        rightLink.a().addAddress("198.51.100.254/24");
        rightLink.b().addAddress(RIGHT + "/24");
        rightLink.a().addAddress("2001:db8:2::fe/64");
        rightLink.b().addAddress(RIGHT6 + "/64");
        left.setDefaultRoute("192.0.2.254");
        right.setDefaultRoute("198.51.100.254");
        left.ip("-6", "route", "add", "default", "via", "2001:db8:1::fe");
        right.ip("-6", "route", "add", "default", "via", "2001:db8:2::fe");
        left.ip("addr", "add", LEFT_INNER + "/32", "dev", "lo");
        right.ip("addr", "add", RIGHT_INNER + "/32", "dev", "lo");
        left.ip("-6", "addr", "add", LEFT_INNER6 + "/128", "dev", "lo");
        right.ip("-6", "addr", "add", RIGHT_INNER6 + "/128", "dev", "lo");
        try {
            directory = Files.createTempDirectory("ipsec4j-routed-lab-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String name, String text) {
        try {
            Path file = directory.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A certificate and its private key where both daemons' swanctl.conf find them ({@code x509/NAME.pem},
     * {@code private/NAME.key}), for {@link Conf#certificate}; each daemon picks its key by its certificate.
     */
    void installCertificate(String name, IssuedCertificate certificate) {
        write("x509/" + name + ".pem", certificate.certificatePem());
        write("private/" + name + ".key", certificate.privateKeyPem());
    }

    /** A CA both daemons trust ({@code x509ca/NAME.pem}). */
    void installCa(String name, IssuedCertificate ca) {
        write("x509ca/" + name + ".pem", ca.certificatePem());
    }

    Path control(String name) {
        return directory.resolve(name + ".sock");
    }

    /** A daemon on {@code conf} in {@code namespace}, ready; its files are named after {@code name}. */
    DaemonProcess start(Namespace namespace, String name, Conf conf, List<String> jvmOptions, String... arguments) {
        return start(namespace, directory, name, conf, jvmOptions, arguments);
    }

    /**
     * A daemon on {@code conf} in {@code namespace}, ready; its swanctl.conf, control socket and state directory
     * are in {@code directory}, named after {@code name}. For labs of other shapes than this one.
     */
    static DaemonProcess start(Namespace namespace, Path directory, String name, Conf conf, List<String> jvmOptions,
            String... arguments) {
        Path file;
        try {
            file = Files.writeString(directory.resolve(name + ".swanctl.conf"), conf.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(jvmOptions);
        List<String> args = new ArrayList<>(List.of("--conf", file.toString()));
        args.addAll(List.of(arguments));
        DaemonProcess daemon = DaemonProcess.launchDaemon(namespace, directory.resolve(name + ".sock"), options,
                args.toArray(String[]::new));
        daemon.awaitReady();
        return daemon;
    }

    /** Polls the daemon's status until {@code condition} holds on it, or fails after {@code timeout}. */
    static Map<String, Object> await(DaemonProcess daemon, Duration timeout, String what,
            Predicate<Map<String, Object>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> status = daemon.statusJson();
            if (condition.test(status)) {
                return status;
            }
            assertTrue(System.nanoTime() < deadline, () -> "not within " + timeout.toSeconds() + " s: " + what
                    + "\nstatus: " + status + "\nlog:\n" + daemon.stderr());
            sleep(200);
        }
    }

    /** Whether the status has an established IKE SA with an installed Child SA. */
    static boolean childInstalled(Map<String, Object> status) {
        return MinimalJson.array(status.get("ike_sas")).stream().map(MinimalJson::object)
                .filter(sa -> "ESTABLISHED".equals(sa.get("state")))
                .flatMap(sa -> MinimalJson.array(sa.get("child_sas")).stream().map(MinimalJson::object))
                .anyMatch(c -> "INSTALLED".equals(c.get("state")));
    }

    /** The one established IKE SA (fails if there is not exactly one). */
    static Map<String, Object> onlyEstablished(Map<String, Object> status) {
        List<Map<String, Object>> sas = MinimalJson.array(status.get("ike_sas")).stream().map(MinimalJson::object)
                .filter(sa -> "ESTABLISHED".equals(sa.get("state"))).toList();
        assertTrue(sas.size() == 1, "one established IKE SA: " + sas);
        return sas.getFirst();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A swanctl.conf with one connection "lab" and one child "net"; the fields are swanctl's. */
    static final class Conf {
        String localAddrs;
        String remoteAddrs;
        String localId;
        String remoteId;
        String localTs = "dynamic";
        String remoteTs = "dynamic";
        String mode = "tunnel";
        String startAction = "none";
        String dpdAction = "clear";
        String encap = "no";
        String dpdDelay = "0s";
        String keyingtries = "1";
        String espProposals = "aes128gcm16";
        /** {@code auth = pubkey} with this file in x509/ ({@link RoutedIkeLab#installCertificate}); null: the PSK. */
        String certificate;
        /** More connection settings, one per line. */
        final List<String> connection = new ArrayList<>();
        /** More children (whole sections). */
        final List<String> children = new ArrayList<>();

        /** Left's side of a tunnel between the lab's inner addresses. */
        static Conf left() {
            Conf c = new Conf();
            c.localAddrs = LEFT;
            c.remoteAddrs = RIGHT;
            c.localId = "left.lab.ipsec4j.test";
            c.remoteId = "right.lab.ipsec4j.test";
            c.localTs = "10.0.1.0/24";
            c.remoteTs = "10.0.2.0/24";
            return c;
        }

        static Conf right() {
            Conf c = new Conf();
            c.localAddrs = RIGHT;
            c.remoteAddrs = LEFT;
            c.localId = "right.lab.ipsec4j.test";
            c.remoteId = "left.lab.ipsec4j.test";
            c.localTs = "10.0.2.0/24";
            c.remoteTs = "10.0.1.0/24";
            return c;
        }

        Conf set(java.util.function.Consumer<Conf> change) {
            change.accept(this);
            return this;
        }

        String text() {
            StringBuilder extra = new StringBuilder();
            connection.forEach(l -> extra.append("    ").append(l).append('\n'));
            StringBuilder more = new StringBuilder();
            children.forEach(c -> more.append(c.indent(6)));
            return """
                    connections {
                      lab {
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-x25519
                        encap = %s
                        dpd_delay = %s
                        keyingtries = %s
                    %s    local {
                          auth = %s
                          id = %s
                        }
                        remote {
                          auth = %s
                          id = %s
                        }
                        children {
                          net {
                            local_ts = %s
                            remote_ts = %s
                            mode = %s
                            esp_proposals = %s
                            start_action = %s
                            dpd_action = %s
                          }
                    %s    }
                      }
                    }
                    secrets {
                      ike-lab {
                        id-1 = %s
                        id-2 = %s
                        secret = "%s"
                      }
                    }
                    """.formatted(localAddrs, remoteAddrs, encap, dpdDelay, keyingtries, extra,
                    certificate == null ? "psk" : "pubkey\n      certs = " + certificate, localId,
                    certificate == null ? "psk" : "pubkey", remoteId, localTs, remoteTs, mode, espProposals, startAction, dpdAction, more, localId, remoteId, PSK);
        }
    }
}
