package org.ipsec4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.ipsec4j.cli.firewall.ConntrackFlush;
import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.ChildSaStatus;
import org.ipsec4j.lab.CommandResult;
import org.ipsec4j.lab.IkeSaStatus;
import org.ipsec4j.lab.IpVersion;
import org.ipsec4j.lab.Lab;
import org.ipsec4j.lab.Link;
import org.ipsec4j.lab.LinkEnd;
import org.ipsec4j.lab.Namespace;
import org.ipsec4j.lab.StrongSwan;
import org.ipsec4j.lab.pki.IssuedCertificate;
import org.ipsec4j.lab.pki.KeyType;
import org.ipsec4j.lab.pki.TestPki;

/**
 * An ipsec4j daemon and strongSwan's charon (kernel-libipsec) with a router between them, configured alike from
 * one {@link Setup}: the topology the strongSwan interop lab tests share.
 *
 * <pre>
 *  java (ipsec4j daemon)         router                        swan (charon)
 *  lo 10.1.0.1/32                                              lo 10.2.0.1/32
 *  192.0.2.1/24 ------- 192.0.2.254 | 198.51.100.254 ------- 198.51.100.2/24
 *  tunnel 10.1.0.0/24 === 10.2.0.0/24, connection "s2s", child "net" on both ends
 * </pre>
 *
 * IPv6 outer addresses join on first use ({@link #ipv6()}, or a {@link Setup#overIpv6()}): java 2001:db8:1::1/64,
 * router 2001:db8:1::fe and 2001:db8:2::fe, swan 2001:db8:2::2/64; the tunnel stays 10.1.0.0/24 === 10.2.0.0/24.
 * The router forwards plainly until a test gives it NAT or firewall rules. {@link #withNarrowMiddle} puts a second
 * router between the router and charon, behind a narrower link than either end's own (IPv4 only). The daemon's files
 * are swanctl's:
 * {@code java/swanctl.conf} with {@code x509/}, {@code x509ca/} and {@code private/} next to it. A test class
 * may keep one lab for all its tests ({@link #reset()} between them) or build one per test.
 */
final class StrongSwanPeerLab implements AutoCloseable {

    static final String JAVA_OUTER = "192.0.2.1";
    static final String ROUTER_JAVA_SIDE = "192.0.2.254";
    static final String ROUTER_SWAN_SIDE = "198.51.100.254";
    static final String SWAN_OUTER = "198.51.100.2";
    /** The outer IPv6 addresses, on the same links, made on first use ({@link #ipv6()}). */
    static final String JAVA_OUTER6 = "2001:db8:1::1";
    static final String ROUTER_JAVA_SIDE6 = "2001:db8:1::fe";
    static final String ROUTER_SWAN_SIDE6 = "2001:db8:2::fe";
    static final String SWAN_OUTER6 = "2001:db8:2::2";
    static final String ATTACKER = "203.0.113.2";
    static final String ROUTER_ATTACKER_SIDE = "203.0.113.254";
    static final String JAVA_INNER = "10.1.0.1";
    static final String SWAN_INNER = "10.2.0.1";
    static final String JAVA_NET = "10.1.0.0/24";
    static final String SWAN_NET = "10.2.0.0/24";
    static final String JAVA_ID = "java.lab";
    static final String SWAN_ID = "swan.lab";
    static final String PSK = "a lab pre-shared key of decent length";
    static final Duration WAIT = Duration.ofSeconds(20);
    /** charon fails an unanswered exchange in about 3 s instead of 165 s; what a failure test can wait for. */
    static final String QUICK_RETRANSMITS = "retransmit_timeout = 1\nretransmit_tries = 2\nretransmit_base = 1.2\n";
    /** The same for the daemon: {@code ipsec4j.ike.retransmit} (SECONDS,BASE,TRIES). */
    static final String QUICK_DAEMON_RETRANSMITS = "-Dipsec4j.ike.retransmit=1,1.2,2";

    enum Auth { PSK, CERTIFICATES }

    /**
     * What both ends are configured with. The daemon's side may differ from charon's where a test wants a
     * failure: its secret, its proposals, whether it trusts the CA that signed charon's certificate.
     *
     * @param bigCertificates end-entity certificates padded to about 3000 bytes, so IKE_AUTH needs RFC 7383
     * @param swanRemote      charon's {@code remote_addrs} ({@code %any} when the daemon is behind a NAT)
     * @param javaLocal       the daemon's {@code local_addrs}
     * @param swanLocal       charon's {@code local_addrs}
     * @param javaRemoteTs    the daemon's {@code remote_ts} (charon's {@code local_ts} is always {@link #SWAN_NET})
     * @param javaOptions     more lines of the daemon's connection (e.g. {@code pmtu_discovery = no})
     * @param swanOptions     more lines of charon's connection (e.g. {@code dpd_delay = 2s})
     */
    record Setup(Auth auth, String ikeProposals, String espProposals, String javaIkeProposals,
            String javaEspProposals, String javaSecret, boolean javaTrustsSwan, boolean swanTrustsJava,
            boolean bigCertificates, String javaRemote, String swanRemote, String javaLocal, String swanLocal,
            String javaRemoteTs, String javaOptions, String swanOptions) {

        static Setup psk(String ikeProposals, String espProposals) {
            return new Setup(Auth.PSK, ikeProposals, espProposals, ikeProposals, espProposals, PSK, true, true,
                    false, SWAN_OUTER, JAVA_OUTER, JAVA_OUTER, SWAN_OUTER, SWAN_NET, "", "");
        }

        static Setup certificates(String ikeProposals, String espProposals) {
            return new Setup(Auth.CERTIFICATES, ikeProposals, espProposals, ikeProposals, espProposals, PSK, true,
                    true, false, SWAN_OUTER, JAVA_OUTER, JAVA_OUTER, SWAN_OUTER, SWAN_NET, "", "");
        }

        Setup withJavaSecret(String secret) {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, secret,
                    javaTrustsSwan, swanTrustsJava, bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal,
                    javaRemoteTs, javaOptions, swanOptions);
        }

        Setup withJavaProposals(String ike, String esp) {
            return new Setup(auth, ikeProposals, espProposals, ike, esp, javaSecret, javaTrustsSwan, swanTrustsJava,
                    bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal, javaRemoteTs, javaOptions,
                    swanOptions);
        }

        /** The daemon trusts another CA than the one that signed charon's certificate, and charon the same. */
        Setup untrusted(boolean byJava, boolean bySwan) {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    !byJava, !bySwan, bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal, javaRemoteTs,
                    javaOptions, swanOptions);
        }

        Setup withBigCertificates() {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    javaTrustsSwan, swanTrustsJava, true, javaRemote, swanRemote, javaLocal, swanLocal, javaRemoteTs,
                    javaOptions, swanOptions);
        }

        Setup withRemotes(String javaRemote, String swanRemote) {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    javaTrustsSwan, swanTrustsJava, bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal,
                    javaRemoteTs, javaOptions, swanOptions);
        }

        /** IKE and ESP between the IPv6 outer addresses (the tunnel inside stays IPv4). */
        Setup overIpv6() {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    javaTrustsSwan, swanTrustsJava, bigCertificates, SWAN_OUTER6, JAVA_OUTER6, JAVA_OUTER6,
                    SWAN_OUTER6, javaRemoteTs, javaOptions, swanOptions);
        }

        /** The daemon asks for another remote network than the one charon has. */
        Setup withJavaRemoteTs(String remoteTs) {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    javaTrustsSwan, swanTrustsJava, bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal,
                    remoteTs, javaOptions, swanOptions);
        }

        /** More lines for the daemon's connection and for charon's. */
        Setup withOptions(String java, String swan) {
            return new Setup(auth, ikeProposals, espProposals, javaIkeProposals, javaEspProposals, javaSecret,
                    javaTrustsSwan, swanTrustsJava, bigCertificates, javaRemote, swanRemote, javaLocal, swanLocal,
                    javaRemoteTs, java, swan);
        }

        boolean ipv6() {
            return javaLocal.contains(":") || swanLocal.contains(":");
        }
    }

    final Lab lab;
    final Namespace java;
    final Namespace router;
    final Namespace swan;
    final Link javaLink;
    final Link swanLink;
    /** The second router and the narrow link to it; null in the one-router lab. */
    final NarrowMiddle middle;
    final Path directory;
    final Path javaDirectory;
    final StrongSwan charon;
    /** The daemon's JVM options. */
    private final List<String> daemonJvm;
    private DaemonProcess daemon;
    private Pki pki;
    /** More settings of the daemon's connection (not charon's), one per entry, e.g. {@code pmtu_discovery = no}. */
    final List<String> javaConnectionSettings = new ArrayList<>();

    /**
     * Builds the topology (with a narrow middle link of {@code middleMtu}, unless 0) and starts charon (with
     * extra strongswan.conf settings); the daemon starts on the first {@link #configure}.
     */
    private StrongSwanPeerLab(Lab lab, String extraCharonSettings, int middleMtu, List<String> daemonJvm) {
        this.lab = lab;
        this.daemonJvm = daemonJvm;
        java = lab.host("java");
        router = lab.router("router");
        swan = lab.host("swan");
        javaLink = lab.link(java, router);
        middle = middleMtu == 0 ? null : NarrowMiddle.between(lab, router, middleMtu, List.of("192.0.2.0/24"),
                List.of("198.51.100.0/24"));
        swanLink = lab.link(middle == null ? router : middle.core(), swan);
        javaLink.a().addAddress(JAVA_OUTER + "/24");
        javaLink.b().addAddress(ROUTER_JAVA_SIDE + "/24");
        swanLink.a().addAddress(ROUTER_SWAN_SIDE + "/24");
        swanLink.b().addAddress(SWAN_OUTER + "/24");
        java.setDefaultRoute(ROUTER_JAVA_SIDE);
        swan.setDefaultRoute(ROUTER_SWAN_SIDE);
        // Inner addresses on lo (no dummy module): charon routes the tunnel with a source from its local_ts.
        java.ip("addr", "add", JAVA_INNER + "/32", "dev", "lo");
        swan.ip("addr", "add", SWAN_INNER + "/32", "dev", "lo");
        try {
            directory = Files.createTempDirectory("ipsec4j-swan-lab-");
            javaDirectory = Files.createDirectories(directory.resolve("java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        charon = StrongSwan.start(swan, directory.resolve("swan"), extraCharonSettings);
    }

    /** A third host behind the router, 203.0.113.2/24, made on first use. */
    Namespace attacker() {
        if (lab.namespaces().stream().noneMatch(n -> n.name().equals("attacker"))) {
            Namespace a = lab.host("attacker");
            Link link = lab.link(router, a);
            link.a().addAddress(ROUTER_ATTACKER_SIDE + "/24");
            link.b().addAddress(ATTACKER + "/24");
            a.setDefaultRoute(ROUTER_ATTACKER_SIDE);
        }
        return lab.namespace("attacker");
    }

    /** Adds the IPv6 outer addresses and default routes (once); the lab's other users never see them. */
    void ipv6() {
        if (javaLink.a().addresses().stream().anyMatch(a -> a.startsWith(JAVA_OUTER6 + "/"))) {
            return;
        }
        javaLink.a().addAddress(JAVA_OUTER6 + "/64");
        javaLink.b().addAddress(ROUTER_JAVA_SIDE6 + "/64");
        swanLink.a().addAddress(ROUTER_SWAN_SIDE6 + "/64");
        swanLink.b().addAddress(SWAN_OUTER6 + "/64");
        java.ip("-6", "route", "add", "default", "via", ROUTER_JAVA_SIDE6);
        swan.ip("-6", "route", "add", "default", "via", ROUTER_SWAN_SIDE6);
    }

    static StrongSwanPeerLab create(String extraCharonSettings) {
        return create(extraCharonSettings, 0, List.of());
    }

    /**
     * Both ends give up on a silent peer within seconds: charon with {@link #QUICK_RETRANSMITS}, the daemon with
     * the same timing ({@link #QUICK_DAEMON_RETRANSMITS}).
     */
    static StrongSwanPeerLab withQuickRetransmits() {
        return create(QUICK_RETRANSMITS, 0, List.of(QUICK_DAEMON_RETRANSMITS));
    }

    /**
     * java --1500-- router --{@code middleMtu}-- core --1500-- swan: the path MTU is {@code middleMtu} while both
     * ends' links are 1500 (seed 003).
     */
    static StrongSwanPeerLab withNarrowMiddle(int middleMtu) {
        return create("", middleMtu, List.of());
    }

    private static StrongSwanPeerLab create(String extraCharonSettings, int middleMtu, List<String> daemonJvm) {
        Lab lab = Lab.create();
        try {
            return new StrongSwanPeerLab(lab, extraCharonSettings, middleMtu, daemonJvm);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    // ---- configuration ----

    /** Certificates: one CA for both ends (ECDSA P-256 for the daemon, RSA 3072 for charon), and another CA. */
    private record Pki(IssuedCertificate ca, IssuedCertificate other, IssuedCertificate javaCert,
            IssuedCertificate swanCert, IssuedCertificate bigJavaCert, IssuedCertificate bigSwanCert) {}

    private Pki pki(boolean big) {
        if (pki == null || big && pki.bigJavaCert() == null) {
            TestPki p = new TestPki();
            IssuedCertificate ca = pki == null ? p.rootCa("C=CH, O=ipsec4j lab, CN=interop CA", KeyType.ECDSA_P256)
                    : pki.ca();
            IssuedCertificate other = pki == null ? p.rootCa("C=CH, O=elsewhere, CN=other CA", KeyType.ECDSA_P256)
                    : pki.other();
            IssuedCertificate javaCert = pki == null ? p.certificate("C=CH, O=ipsec4j lab, CN=" + JAVA_ID)
                    .key(KeyType.ECDSA_P256).dns(JAVA_ID).issuedBy(ca) : pki.javaCert();
            IssuedCertificate swanCert = pki == null ? p.certificate("C=CH, O=ipsec4j lab, CN=" + SWAN_ID)
                    .key(KeyType.RSA_3072).dns(SWAN_ID).issuedBy(ca) : pki.swanCert();
            IssuedCertificate bigJava = null;
            IssuedCertificate bigSwan = null;
            if (big) {
                bigJava = p.certificate("C=CH, O=ipsec4j lab, CN=" + JAVA_ID).key(KeyType.ECDSA_P256).dns(JAVA_ID)
                        .padTo(3000).issuedBy(ca);
                bigSwan = p.certificate("C=CH, O=ipsec4j lab, CN=" + SWAN_ID).key(KeyType.ECDSA_P256).dns(SWAN_ID)
                        .padTo(3000).issuedBy(ca);
            }
            pki = new Pki(ca, other, javaCert, swanCert, bigJava, bigSwan);
        }
        return pki;
    }

    /**
     * Writes both ends' configuration and loads it: charon with {@code swanctl --load-all}, the daemon by
     * starting it (first time) or {@code ipsec4j reload}.
     */
    void configure(Setup s) {
        if (s.ipv6()) {
            ipv6();
        }
        String javaLocal;
        String javaRemote;
        String swanLocal;
        String swanRemote;
        clearDirectory(javaDirectory.resolve("x509"));
        clearDirectory(javaDirectory.resolve("x509ca"));
        clearDirectory(javaDirectory.resolve("private"));
        clearDirectory(charon.swanctlDir().resolve("x509"));
        clearDirectory(charon.swanctlDir().resolve("x509ca"));
        clearDirectory(charon.swanctlDir().resolve("private"));
        if (s.auth() == Auth.PSK) {
            javaLocal = "auth = psk\n      id = " + JAVA_ID;
            javaRemote = "auth = psk\n      id = " + SWAN_ID;
            swanLocal = "auth = psk\n      id = " + SWAN_ID;
            swanRemote = "auth = psk\n      id = " + JAVA_ID;
        } else {
            Pki p = pki(s.bigCertificates());
            IssuedCertificate javaCert = s.bigCertificates() ? p.bigJavaCert() : p.javaCert();
            IssuedCertificate swanCert = s.bigCertificates() ? p.bigSwanCert() : p.swanCert();
            writeJavaFile("x509/java.pem", javaCert.certificatePem());
            writeJavaFile("private/java.key", javaCert.privateKeyPem());
            writeJavaFile("x509ca/ca.pem", (s.javaTrustsSwan() ? p.ca() : p.other()).certificatePem());
            String swanFile = charon.installCertificate("swan", swanCert);
            charon.installCaCertificate("ca", s.swanTrustsJava() ? p.ca() : p.other());
            javaLocal = "auth = pubkey\n      certs = java.pem\n      id = " + JAVA_ID;
            javaRemote = "auth = pubkey\n      id = " + SWAN_ID;
            swanLocal = "auth = pubkey\n      certs = " + swanFile + "\n      id = " + SWAN_ID;
            swanRemote = "auth = pubkey\n      id = " + JAVA_ID;
        }
        String secrets = s.auth() == Auth.PSK ? "secrets {\n  ike-lab {\n    id-1 = %s\n    id-2 = %s\n    secret = \"%s\"\n  }\n}\n"
                : "";
        List<String> javaSettings = new ArrayList<>(javaConnectionSettings);
        if (!s.javaOptions().isBlank()) {
            javaSettings.addFirst(s.javaOptions());
        }
        String javaConf = connection(s.javaLocal(), s.javaRemote(), s.javaIkeProposals(),
                String.join("\n    ", javaSettings), javaLocal, javaRemote, JAVA_NET, s.javaRemoteTs(),
                s.javaEspProposals())
                + secrets.formatted(JAVA_ID, SWAN_ID, s.javaSecret());
        String swanConf = connection(s.swanLocal(), s.swanRemote(), s.ikeProposals(), s.swanOptions(), swanLocal,
                swanRemote, SWAN_NET, JAVA_NET, s.espProposals())
                + secrets.formatted(SWAN_ID, JAVA_ID, PSK);
        charon.load(swanConf);
        Path conf = writeJavaFile("swanctl.conf", javaConf);
        if (daemon == null) {
            List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
            jvm.addAll(daemonJvm);
            daemon = DaemonProcess.launchDaemon(java, control(), jvm, "--conf", conf.toString());
            daemon.awaitReady();
        } else {
            DaemonLifecycleLabTest.Result reload = ipsec4j("reload");
            assertEquals(0, reload.exitCode(), () -> "reload: " + reload + "\n" + daemonLog());
        }
    }

    private static String connection(String local, String remote, String proposals, String options,
            String localAuth, String remoteAuth, String localTs, String remoteTs, String espProposals) {
        return """
                connections {
                  s2s {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = %s
                    %s
                    local {
                      %s
                    }
                    remote {
                      %s
                    }
                    children {
                      net {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = %s
                      }
                    }
                  }
                }
                """.formatted(local, remote, proposals, options, localAuth, remoteAuth, localTs, remoteTs,
                espProposals);
    }

    private Path writeJavaFile(String relative, String content) {
        try {
            Path f = javaDirectory.resolve(relative);
            Files.createDirectories(f.getParent());
            return Files.writeString(f, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void clearDirectory(Path d) {
        if (!Files.isDirectory(d)) {
            return;
        }
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the daemon ----

    Path control() {
        return directory.resolve("java.sock");
    }

    DaemonProcess daemon() {
        return daemon;
    }

    /** {@code ipsec4j ARGUMENTS --control ...}, in this JVM. */
    DaemonLifecycleLabTest.Result ipsec4j(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of("--control", control().toString()));
        return DaemonLifecycleLabTest.run(all.toArray(String[]::new));
    }

    /** {@code ipsec4j up s2s}; asserts it worked. */
    void javaUp() {
        DaemonLifecycleLabTest.Result up = ipsec4j("up", "s2s");
        assertEquals(0, up.exitCode(), () -> "ipsec4j up: " + up + "\n" + diagnostics());
        assertTrue(up.out().endsWith("s2s/net is up\n"), up.out());
    }

    /**
     * Puts the router's masquerade in front of the daemon ({@code daemonBehindNat}) or of charon, configures both
     * ends for it ({@code %any} for the peer behind the NAT) and has the side behind the NAT bring the tunnel up;
     * returns charon's view once both ends agree.
     */
    IkeSaStatus upThroughNat(boolean daemonBehindNat, Setup setup) {
        if (daemonBehindNat) {
            router.masquerade(swanLink.a());
            configure(setup.withRemotes(SWAN_OUTER, "%any"));
            javaUp();
        } else {
            router.masquerade(javaLink.b());
            configure(setup.withRemotes("%any", JAVA_OUTER));
            charon.initiate("net", WAIT);
            awaitJavaSa();
        }
        return assertAgree();
    }

    String daemonLog() {
        return daemon == null ? "(no daemon)" : daemon.stderr();
    }

    /** The daemon's log, charon's log tail and both SA lists: what a failed assertion should show. */
    String diagnostics() {
        String swanSas;
        try {
            swanSas = charon.listSas().toString();
        } catch (RuntimeException e) {
            swanSas = "(" + e.getMessage() + ")";
        }
        return "--- ipsec4j daemon log ---\n" + daemonLog() + "--- charon's SAs ---\n" + swanSas
                + "\n--- charon log tail ---\n" + charon.logTail(80);
    }

    Map<String, Object> status() {
        return daemon.statusJson();
    }

    List<Map<String, Object>> javaIkeSas() {
        return MinimalJson.array(status().get("ike_sas")).stream().map(MinimalJson::object).toList();
    }

    /** The daemon's established IKE SA with an installed Child SA, once there is one. */
    Map<String, Object> awaitJavaSa() {
        Map<String, Object>[] found = new Map[1];
        waitUntil(() -> {
            for (Map<String, Object> sa : javaIkeSas()) {
                if ("ESTABLISHED".equals(sa.get("state")) && children(sa).stream()
                        .anyMatch(c -> "INSTALLED".equals(c.get("state")))) {
                    found[0] = sa;
                    return true;
                }
            }
            return false;
        }, "an established IKE SA with an installed Child SA in the daemon");
        return found[0];
    }

    static List<Map<String, Object>> children(Map<String, Object> ikeSa) {
        return MinimalJson.array(ikeSa.get("child_sas")).stream().map(MinimalJson::object).toList();
    }

    // ---- both ends ----

    /** Deletes whatever SAs are left on both ends (charon's, then the daemon's), so the next test starts clean. */
    void reset() {
        for (IkeSaStatus sa : charon.listSas()) {
            if (sa.isEstablished()) {
                try {
                    charon.terminateIke(sa.name());
                } catch (RuntimeException e) {
                    // gone meanwhile
                }
            } else {
                // Half-open (a responder whose answer never got out): charon would keep it 30 s.
                charon.swanctl(StrongSwan.DEFAULT_TIMEOUT, "--terminate", "--ike-id", Long.toString(sa.uniqueId()),
                        "--force", "--timeout", "2");
            }
        }
        if (daemon != null && daemon.process().isAlive() && !javaIkeSas().isEmpty()) {
            ipsec4j("down", "s2s");
        }
        waitUntil(() -> charon.listSas().isEmpty() && (daemon == null || javaIkeSas().isEmpty()),
                "no SAs left on either end");
    }

    /**
     * Takes back what a test did to the path: every iptables and ip6tables rule (filter and nat) in the three
     * namespaces; on the router its queueing disciplines, its link MTUs (1500, in a lab without a narrow
     * middle), its permanent neighbour entries, UDP conntrack timeouts (the kernel's 30 s and 120 s) and
     * conntrack table. For a class that shares one lab among tests that each make the path hostile in their own
     * way; {@link #reset()} after it.
     */
    void restorePath() {
        for (Namespace ns : List.of(java, router, swan)) {
            for (IpVersion version : IpVersion.values()) {
                ns.firewall(version).command("-F");
                ns.firewall(version, "nat").command("-F");
            }
        }
        for (LinkEnd end : router.interfaces()) {
            router.exec("tc", "qdisc", "del", "dev", end.interfaceName(), "root");
            router.exec("ip", "-6", "neigh", "flush", "dev", end.interfaceName(), "nud", "permanent");
            if (middle == null && end.mtu() != 1500) {
                end.setMtu(1500);
            }
        }
        if (router.exec("test", "-e", "/proc/sys/net/netfilter/nf_conntrack_udp_timeout").succeeded()) {
            router.sysctl("net.netfilter.nf_conntrack_udp_timeout=30",
                    "net.netfilter.nf_conntrack_udp_timeout_stream=120");
            // A NAT's mappings outlive its rule: without the flush, the next test's flows would still be rewritten.
            try {
                ConntrackFlush.flush(router.netnsName());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Both ends list the same IKE SA (SPIs, algorithms) and the same Child SA (SPIs crosswise, algorithms);
     * returns charon's view.
     */
    IkeSaStatus assertAgree() {
        IkeSaStatus[] swanSa = new IkeSaStatus[1];
        Map<String, Object>[] javaSa = new Map[1];
        // Right after a rekey one end may still list the old SA for a moment: wait until the views meet.
        waitUntil(() -> {
            List<IkeSaStatus> theirs = charon.listSas().stream().filter(IkeSaStatus::isEstablished)
                    .filter(sa -> sa.children().stream().anyMatch(ChildSaStatus::isInstalled)).toList();
            for (IkeSaStatus sa : theirs) {
                for (Map<String, Object> ours : javaIkeSas()) {
                    if (hex16(sa.initiatorSpi()).equals(ours.get("initiator_spi"))
                            && hex16(sa.responderSpi()).equals(ours.get("responder_spi"))
                            && "ESTABLISHED".equals(ours.get("state")) && childrenAgree(sa, ours)) {
                        swanSa[0] = sa;
                        javaSa[0] = ours;
                        return true;
                    }
                }
            }
            return false;
        }, "both ends listing the same IKE SA and Child SA");
        IkeSaStatus theirs = swanSa[0];
        Map<String, Object> ours = javaSa[0];
        assertEquals(swanAlgorithms(theirs), ours.get("algorithms"), "IKE algorithms");
        assertEquals(!theirs.initiator(), ours.get("initiator"), "roles");
        ChildSaStatus theirChild = theirs.children().stream().filter(ChildSaStatus::isInstalled).findFirst()
                .orElseThrow();
        Map<String, Object> ourChild = children(ours).stream()
                .filter(c -> hex8(theirChild.spiOut()).equals(c.get("spi_in"))).findFirst().orElseThrow();
        assertEquals(hex8(theirChild.spiIn()), ourChild.get("spi_out"));
        assertEquals(swanAlgorithms(theirChild), ourChild.get("algorithms"), "ESP algorithms");
        assertEquals(List.of(JAVA_NET), ourChild.get("local_ts"));
        assertEquals(List.of(SWAN_NET), ourChild.get("remote_ts"));
        assertEquals(List.of(SWAN_NET), theirChild.localTs());
        return theirs;
    }

    private static boolean childrenAgree(IkeSaStatus theirs, Map<String, Object> ours) {
        for (ChildSaStatus c : theirs.children()) {
            if (!c.isInstalled()) {
                continue;
            }
            for (Map<String, Object> o : children(ours)) {
                if (hex8(c.spiOut()).equals(o.get("spi_in")) && hex8(c.spiIn()).equals(o.get("spi_out"))
                        && "INSTALLED".equals(o.get("state"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** charon's IKE algorithms in ipsec4j's spelling: {@code AES_GCM_16-128} is {@code AES_GCM_16_128}. */
    static String swanAlgorithms(IkeSaStatus sa) {
        return sa.proposal().replace('-', '_');
    }

    static String swanAlgorithms(ChildSaStatus child) {
        return child.proposal().replace('-', '_');
    }

    static String hex16(long spi) {
        return String.format("%016x", spi);
    }

    static String hex8(int spi) {
        return String.format("%08x", spi);
    }

    // ---- traffic ----

    /** A few pings each way through the tunnel, inner address to inner address. */
    void assertPingsBothWays() {
        for (boolean fromJava : new boolean[] {true, false}) {
            Namespace ns = fromJava ? java : swan;
            CommandResult ping = ns.exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
                    fromJava ? JAVA_INNER : SWAN_INNER, fromJava ? SWAN_INNER : JAVA_INNER);
            assertTrue(ping.succeeded() && ping.stdout().contains(" 3 received"), () -> "ping from "
                    + ns.name() + " through the tunnel:\n" + ping.stdout() + ping.stderr() + "\n" + diagnostics());
        }
    }

    /** TCP through the tunnel for a second with iperf3 (client in the daemon's namespace); returns bytes received. */
    long tcpTransfer() {
        BackgroundProcess server = swan.start("iperf3", "-s", "-1", "--forceflush", "-B", SWAN_INNER);
        try {
            server.awaitStdoutLine("Server listening", Duration.ofSeconds(10));
            CommandResult iperf = java.exec(Duration.ofSeconds(30), "iperf3", "-c", SWAN_INNER, "-B", JAVA_INNER,
                    "-t", "1", "-J");
            assertTrue(iperf.succeeded(), () -> "TCP through the tunnel failed:\n" + iperf.stdout() + iperf.stderr()
                    + "\n" + diagnostics());
            Matcher m = Pattern.compile("\"sum_received\":\\s*\\{[^}]*\"bytes\":\\s*(\\d+)").matcher(iperf.stdout());
            assertTrue(m.find(), iperf.stdout());
            return Long.parseLong(m.group(1));
        } finally {
            server.stop();
        }
    }

    /** A running {@code ping -i 0.05} stream; {@link #finish} waits for its end and parses its summary. */
    record PingStream(BackgroundProcess process, int count, String from) {

        record Result(int transmitted, int received, String output) {}

        Result finish() {
            process.waitFor(Duration.ofSeconds(count / 20 + 30));
            String out = String.join("\n", process.stdoutLines());
            Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(out);
            if (!m.find()) {
                throw new AssertionError("no ping summary from " + from + ":\n" + out + process.stderrText());
            }
            return new Result(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), out);
        }
    }

    /** Starts {@code count} pings every 50 ms through the tunnel from one side. */
    PingStream pingStream(boolean fromJava, int count) {
        Namespace ns = fromJava ? java : swan;
        BackgroundProcess p = ns.start("ping", "-n", "-i", "0.05", "-c", Integer.toString(count), "-W", "2", "-I",
                fromJava ? JAVA_INNER : SWAN_INNER, fromJava ? SWAN_INNER : JAVA_INNER);
        return new PingStream(p, count, ns.name());
    }

    // ---- waiting ----

    void waitUntil(BooleanSupplier condition, String what) {
        waitUntil(condition, WAIT, what);
    }

    void waitUntil(BooleanSupplier condition, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + timeout + ": " + what + "\n" + diagnostics());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Override
    public void close() {
        try {
            if (daemon != null) {
                daemon.stop();
            }
            charon.close();
        } finally {
            lab.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory; the next boot clears it
            }
        }
    }
}
