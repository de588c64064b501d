package org.ipsec4j.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.ipsec4j.lab.pki.IssuedCertificate;

/**
 * Debian's strongSwan ({@code charon}, driven through {@code swanctl}) as an independent IKEv2/ESP peer inside a
 * lab namespace.
 *
 * <pre>{@code
 * StrongSwan left = StrongSwan.start(lab.namespace("left"), tmp.resolve("left"));
 * left.load("""
 *     connections { s2s { ... children { net { ... } } } }
 *     secrets { ike-1 { secret = "..." } }
 *     """);
 * left.initiate("net");                       // throws with swanctl's output and charon's log tail on failure
 * IkeSaStatus sa = left.listSas().getFirst();
 * }</pre>
 *
 * <h2>How it runs</h2>
 * This kernel has no ESP (xfrm) support, so charon does ESP itself with the {@code kernel-libipsec} plugin: a TUN
 * device {@code ipsec0} (MTU 1400) in the namespace, routes to the remote traffic selectors in routing table 220
 * (with a rule ahead of {@code main}), ESP always in UDP (the plugin fakes a NAT: {@code nat-fake}, port 4500 from
 * IKE_AUTH on), tunnel mode only, no ESN, replay window 128.
 *
 * <p>One instance per namespace. Each is independent of the host's strongSwan setup and of other instances: charon runs in its own
 * mount namespace with a private tmpfs on {@code /run} (its pid file, {@code /var/run/charon.pid}, is fixed), reads
 * only the {@code strongswan.conf} written into its work directory ({@code STRONGSWAN_CONF}), listens for VICI on a
 * socket there, and loads credentials only from its own swanctl directory. {@link #close()} stops charon; its mount
 * namespace, TUN device and routes go with it, and the lab kills it at close if the test did not. The work
 * directory belongs to the caller and is left in place (the log is there); give a JUnit {@code @TempDir}.
 *
 * <h2>Work directory</h2>
 * <pre>
 * strongswan.conf      the configuration below
 * charon.log           charon's log: ike/chd at level 4, so it holds every derived key (SK_e*, SK_a*, ESP keys)
 * charon.vici          the VICI socket swanctl talks to
 * resolv.conf          where the resolve plugin writes DNS servers received in a configuration payload
 * swanctl/swanctl.conf what {@link #load(String)} wrote
 * swanctl/x509ca/      CA certificates (loaded by load(), trusted)
 * swanctl/x509/        own (end-entity and intermediate) certificates, referenced as {@code certs = name.pem}
 * swanctl/private/     private keys, PEM or DER, PKCS#1, SEC1 or PKCS#8 (rsa/, ecdsa/, pkcs8/ work too)
 * </pre>
 *
 * <h2>strongswan.conf</h2>
 * Exactly this, with {@code WORK} replaced by the absolute work directory and any extra charon settings given to
 * {@link #start(Namespace, Path, String)} added at the end of the {@code charon} section (a later value of the
 * same key wins):
 *
 * <pre>
 * charon {
 *     load = nonce openssl kdf pem pkcs1 pkcs8 x509 revocation constraints socket-default kernel-libipsec kernel-netlink vici resolve
 *     filelog {
 *         charon-log {
 *             path = WORK/charon.log
 *             append = no
 *             flush_line = yes
 *             time_format = %H:%M:%S
 *             time_add_ms = yes
 *             ike_name = yes
 *             default = 1
 *             ike = 4
 *             chd = 4
 *             knl = 2
 *             cfg = 2
 *             net = 2
 *         }
 *         stderr {
 *             default = 1
 *             ike_name = yes
 *         }
 *     }
 *     syslog {
 *         daemon {
 *             default = -1
 *         }
 *         auth {
 *             default = -1
 *         }
 *     }
 *     plugins {
 *         vici {
 *             socket = unix://WORK/charon.vici
 *         }
 *         resolve {
 *             file = WORK/resolv.conf
 *         }
 *     }
 * }
 * swanctl {
 *     load = pem pkcs1 pkcs8 x509 openssl
 * }
 * </pre>
 *
 * The plugin list is explicit (no {@code /etc/strongswan.d}): {@code kernel-libipsec} must come before
 * {@code kernel-netlink} so it, not netlink's xfrm, installs SAs and policies; netlink still does routes and
 * addresses. openssl brings every cipher, PRF, DH group (modp, ecp, x25519/x448) and signature scheme, RNG
 * included; strongSwan 5.9.8 needs {@code kdf} for prf+ and {@code nonce} for nonces. PSK alone runs on
 * {@code nonce openssl kdf socket-default kernel-libipsec kernel-netlink vici}; certificates add {@code pem}
 * (swanctl hands certificates over in their file's encoding), {@code x509} and the key parsers, and
 * {@code revocation constraints} make charon check chains as an installed strongSwan does. Syslog is off: the
 * lab's tmpfs hides {@code /dev/log}'s target anyway. swanctl gets its own short list because its built-in
 * default names plugins Debian does not ship, and complains about each on every call.
 *
 * <p>MOBIKE is on by default; charon retransmits after 4, 7.2, 13, 23.3 and 42 s (strongSwan's defaults), so an
 * unanswered exchange takes 165 s to fail: pass {@code retransmit_timeout}/{@code retransmit_tries} as extra
 * settings to fail faster.
 */
public final class StrongSwan implements AutoCloseable {

    /** Debian's charon. */
    public static final String CHARON = "/usr/lib/ipsec/charon";
    public static final String SWANCTL = "/usr/sbin/swanctl";
    /** charon's plugins, in load order. */
    public static final List<String> CHARON_PLUGINS = List.of("nonce", "openssl", "kdf", "pem", "pkcs1", "pkcs8",
            "x509", "revocation", "constraints", "socket-default", "kernel-libipsec", "kernel-netlink", "vici",
            "resolve");
    /** swanctl's plugins: what it needs to read certificate and key files before handing them to charon. */
    public static final List<String> SWANCTL_PLUGINS = List.of("pem", "pkcs1", "pkcs8", "x509", "openssl");
    /** How long {@link #initiate}, {@link #rekeyIke} and the like wait unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** How long charon may take to start answering on its VICI socket. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

    /** The subdirectories swanctl --load-all reads; all made up front so it does not complain about missing ones. */
    private static final List<String> SWANCTL_SUBDIRECTORIES = List.of("x509", "x509ca", "x509ocsp", "x509aa",
            "x509ac", "x509crl", "pubkey", "private", "rsa", "ecdsa", "bliss", "pkcs8", "pkcs12");
    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final int LOG_TAIL_IN_ERRORS = 60;
    private static final Duration POLL = Duration.ofMillis(50);

    private final Namespace namespace;
    private final Path workDir;
    private final BackgroundProcess charon;

    private StrongSwan(Namespace namespace, Path workDir, BackgroundProcess charon) {
        this.namespace = namespace;
        this.workDir = workDir;
        this.charon = charon;
    }

    /**
     * Writes {@code strongswan.conf} into {@code workDir} (created if needed), starts charon in {@code namespace} and
     * returns once it answers on its VICI socket.
     */
    public static StrongSwan start(Namespace namespace, Path workDir) {
        return start(namespace, workDir, "");
    }

    /**
     * As {@link #start(Namespace, Path)}, adding {@code extraCharonSettings} to the end of the {@code charon}
     * section, e.g. {@code "retransmit_timeout = 1\nretransmit_tries = 2\nfragment_size = 1280"}.
     */
    public static StrongSwan start(Namespace namespace, Path workDir, String extraCharonSettings) {
        Path work = workDir.toAbsolutePath().normalize();
        Path socket = work.resolve("charon.vici");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("work directory path too long for a unix socket in it: " + socket);
        }
        if (namespace.exec("ip", "link", "show", "dev", "ipsec0").succeeded()) {
            // A second charon would find ports 500 and 4500 taken and fight over ipsec0 and table 220.
            throw new IllegalStateException(namespace + " already runs a charon (it has an ipsec0 device)");
        }
        try {
            Files.createDirectories(work);
            for (String sub : SWANCTL_SUBDIRECTORIES) {
                Files.createDirectories(work.resolve("swanctl").resolve(sub));
            }
            Files.deleteIfExists(socket); // a stale socket from an earlier run would look like a live charon
            Files.writeString(work.resolve("strongswan.conf"), strongswanConf(work, extraCharonSettings));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare strongSwan work directory " + work, e);
        }
        // Each step execs the next, so the process the lab tracks (and stops) is charon itself. The private tmpfs
        // on /run holds charon's fixed-path pid file; it and the mount namespace vanish when charon exits.
        BackgroundProcess charon = namespace.start("env", "STRONGSWAN_CONF=" + work.resolve("strongswan.conf"),
                "unshare", "--mount", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs -o mode=0755,size=4m strongswan-run /run && exec " + CHARON);
        StrongSwan swan = new StrongSwan(namespace, work, charon);
        try {
            swan.awaitVici();
        } catch (RuntimeException e) {
            swan.close();
            throw e;
        }
        return swan;
    }

    /** The strongswan.conf text {@link #start} writes; see the class comment. */
    static String strongswanConf(Path work, String extraCharonSettings) {
        StringBuilder extra = new StringBuilder();
        extraCharonSettings.strip().lines().forEach(line -> extra.append("    ").append(line.strip()).append('\n'));
        return """
                charon {
                    load = %1$s
                    filelog {
                        charon-log {
                            path = %2$s/charon.log
                            append = no
                            flush_line = yes
                            time_format = %%H:%%M:%%S
                            time_add_ms = yes
                            ike_name = yes
                            default = 1
                            ike = 4
                            chd = 4
                            knl = 2
                            cfg = 2
                            net = 2
                        }
                        stderr {
                            default = 1
                            ike_name = yes
                        }
                    }
                    syslog {
                        daemon {
                            default = -1
                        }
                        auth {
                            default = -1
                        }
                    }
                    plugins {
                        vici {
                            socket = unix://%2$s/charon.vici
                        }
                        resolve {
                            file = %2$s/resolv.conf
                        }
                    }
                %3$s}
                swanctl {
                    load = %4$s
                }
                """.formatted(String.join(" ", CHARON_PLUGINS), work, extra, String.join(" ", SWANCTL_PLUGINS));
    }

    private void awaitVici() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Path socket = viciSocket();
        while (true) {
            if (!charon.isAlive()) {
                throw new IllegalStateException("charon in " + namespace + " exited while starting\n"
                        + charon.describeOutput() + logTailSection());
            }
            if (Files.exists(socket) && swanctl(Duration.ofSeconds(5), "--stats").succeeded()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("charon in " + namespace + " did not answer on " + socket + " within "
                        + STARTUP_TIMEOUT + "\n" + charon.describeOutput() + logTailSection());
            }
            sleep(POLL);
        }
    }

    // ---- where things are ----

    public Namespace namespace() {
        return namespace;
    }

    public Path workDir() {
        return workDir;
    }

    /** The strongswan.conf charon and swanctl read. */
    public Path config() {
        return workDir.resolve("strongswan.conf");
    }

    /**
     * The swanctl directory: put CA certificates in {@code x509ca/}, own certificates in {@code x509/} and private
     * keys in {@code private/} before {@link #load}, which loads them all.
     */
    public Path swanctlDir() {
        return workDir.resolve("swanctl");
    }

    /** Writes {@code content} to a file under {@link #swanctlDir()}, e.g. {@code ("x509ca/root.pem", pem)}. */
    public Path writeSwanctlFile(String relativePath, String content) {
        Path file = swanctlDir().resolve(relativePath).normalize();
        if (!file.startsWith(swanctlDir())) {
            throw new IllegalArgumentException("not inside the swanctl directory: " + relativePath);
        }
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Installs an own certificate for {@link #load}: {@code x509/NAME.pem}, its private key as
     * {@code private/NAME.key} (PKCS#8 PEM), and the intermediate CAs above it as {@code x509ca/NAME-caN.pem} so
     * charon sends them along (the root is not installed: trust it with {@link #installCaCertificate}). Returns
     * the file name for swanctl.conf's {@code certs = }.
     */
    public String installCertificate(String name, IssuedCertificate certificate) {
        writeSwanctlFile("x509/" + name + ".pem", certificate.certificatePem());
        writeSwanctlFile("private/" + name + ".key", certificate.privateKeyPem());
        List<IssuedCertificate> path = certificate.path();
        for (int i = 1; i < path.size() - 1; i++) {
            writeSwanctlFile("x509ca/" + name + "-ca" + i + ".pem", path.get(i).certificatePem());
        }
        return name + ".pem";
    }

    /** Trusts a CA certificate: {@code x509ca/NAME.pem}, loaded by the next {@link #load}. */
    public void installCaCertificate(String name, IssuedCertificate ca) {
        if (!ca.isCa()) {
            throw new IllegalArgumentException(ca.subject() + " is not a CA");
        }
        writeSwanctlFile("x509ca/" + name + ".pem", ca.certificatePem());
    }

    /** charon's log file. */
    public Path log() {
        return workDir.resolve("charon.log");
    }

    /** The VICI socket. */
    public Path viciSocket() {
        return workDir.resolve("charon.vici");
    }

    /** Where the resolve plugin writes name servers a peer assigned (instead of /etc/resolv.conf). */
    public Path resolvConf() {
        return workDir.resolve("resolv.conf");
    }

    /** The charon process (its pid, whether it runs, its standard error at log level 1). */
    public BackgroundProcess process() {
        return charon;
    }

    // ---- swanctl ----

    /**
     * Runs {@code swanctl ARGS... --uri unix://SOCKET} against this charon, e.g. {@code run("--list-conns")};
     * returns its standard output, or throws {@link LabCommandException} with its output and charon's log tail.
     */
    public String run(String... swanctlArguments) {
        return run(DEFAULT_TIMEOUT.plusSeconds(5), swanctlArguments);
    }

    private String run(Duration timeout, String... swanctlArguments) {
        CommandResult result = swanctl(timeout, swanctlArguments);
        if (!result.succeeded()) {
            throw new LabCommandException(withLogTail(result));
        }
        return result.stdout();
    }

    /** Runs swanctl as {@link #run} does, without throwing on failure. */
    public CommandResult swanctl(Duration timeout, String... swanctlArguments) {
        List<String> command = new ArrayList<>(List.of("env", "STRONGSWAN_CONF=" + config(),
                "SWANCTL_DIR=" + swanctlDir(), SWANCTL));
        command.addAll(Arrays.asList(swanctlArguments));
        // swanctl takes the URI as an option of the command, so after it.
        command.addAll(List.of("--uri", "unix://" + viciSocket()));
        return namespace.exec(timeout, command.toArray(String[]::new));
    }

    /**
     * Writes {@code swanctlConf} to {@code swanctl/swanctl.conf} and loads it with {@code swanctl --load-all}:
     * connections, pools, secrets, and every certificate and key in the swanctl directory. Connections loaded
     * before and missing from this file are unloaded.
     */
    public void load(String swanctlConf) {
        Path file = writeSwanctlFile("swanctl.conf", swanctlConf);
        run("--load-all", "--noprompt", "--file", file.toString());
    }

    /** Initiates the child SA {@code child} (and its IKE SA if there is none); waits up to {@link #DEFAULT_TIMEOUT}. */
    public void initiate(String child) {
        initiate(child, DEFAULT_TIMEOUT);
    }

    /**
     * Initiates the child SA {@code child} and waits until it is installed; throws, with swanctl's account of the
     * exchanges and the tail of charon's log, if it fails or does not finish in time (the half-open IKE SA then
     * stays; {@link #terminateIke} ends it).
     */
    public void initiate(String child, Duration timeout) {
        initiate(timeout, "--child", child);
    }

    /** Initiates the IKE SA of connection {@code ike} with the children marked for it; see {@link #initiate}. */
    public void initiateIke(String ike) {
        initiateIke(ike, DEFAULT_TIMEOUT);
    }

    public void initiateIke(String ike, Duration timeout) {
        initiate(timeout, "--ike", ike);
    }

    private void initiate(Duration timeout, String kind, String name) {
        CommandResult result = swanctl(timeout.plusSeconds(5), "--initiate", kind, name,
                "--timeout", Long.toString(seconds(timeout)));
        if (!result.succeeded()) {
            throw new IllegalStateException("strongSwan in " + namespace.name() + " could not initiate " + kind.substring(2)
                    + " '" + name + "' within " + timeout + ":\n" + result.stdout() + result.stderr() + logTailSection());
        }
    }

    /** Deletes the IKE SA(s) of connection {@code ike} with an INFORMATIONAL exchange; throws if there is none. */
    public void terminateIke(String ike) {
        run(DEFAULT_TIMEOUT.plusSeconds(5), "--terminate", "--ike", ike,
                "--timeout", Long.toString(seconds(DEFAULT_TIMEOUT)));
    }

    /** Deletes the child SA(s) named {@code child}; throws if there is none. */
    public void terminateChild(String child) {
        run(DEFAULT_TIMEOUT.plusSeconds(5), "--terminate", "--child", child,
                "--timeout", Long.toString(seconds(DEFAULT_TIMEOUT)));
    }

    /** Every IKE SA with its child SAs, from {@code swanctl --list-sas --pretty}. */
    public List<IkeSaStatus> listSas() {
        return IkeSaStatus.parseListSas(run("--list-sas", "--pretty"));
    }

    /** The established IKE SA of connection {@code ike}, if there is one. */
    public Optional<IkeSaStatus> establishedIkeSa(String ike) {
        return listSas().stream().filter(sa -> sa.name().equals(ike) && sa.isEstablished()).findFirst();
    }

    /** Waits until an IKE SA of connection {@code ike} is established (this charon may be the responder). */
    public IkeSaStatus awaitIkeSa(String ike, Duration timeout) {
        return await(() -> establishedIkeSa(ike), timeout, "an established IKE SA '" + ike + "'");
    }

    /** Waits until a child SA named {@code child} is installed, under any IKE SA. */
    public ChildSaStatus awaitChildSa(String child, Duration timeout) {
        return await(() -> installedChild(child), timeout, "an installed child SA '" + child + "'");
    }

    /**
     * Waits until an installed child SA named {@code child} meets {@code condition}, e.g. has the SPI the other end
     * just chose.
     */
    public ChildSaStatus awaitChildSa(String child, Predicate<ChildSaStatus> condition, Duration timeout) {
        return await(() -> listSas().stream().flatMap(sa -> sa.children().stream())
                        .filter(c -> c.name().equals(child) && c.isInstalled() && condition.test(c)).findFirst(),
                timeout, "an installed child SA '" + child + "' as expected");
    }

    private Optional<ChildSaStatus> installedChild(String child) {
        return listSas().stream().flatMap(sa -> sa.installedChild(child).stream()).findFirst();
    }

    /**
     * Rekeys the established IKE SA of connection {@code ike} ({@code swanctl --rekey}, which only queues the
     * exchange) and waits until an established IKE SA with other SPIs replaces it; returns that one.
     */
    public IkeSaStatus rekeyIke(String ike) {
        IkeSaStatus before = establishedIkeSa(ike)
                .orElseThrow(() -> new IllegalStateException("no established IKE SA '" + ike + "' to rekey in "
                        + namespace.name() + ": " + listSas()));
        run("--rekey", "--ike", ike);
        return await(() -> listSas().stream()
                        .filter(sa -> sa.name().equals(ike) && sa.isEstablished()
                                && sa.initiatorSpi() != before.initiatorSpi())
                        .findFirst(),
                DEFAULT_TIMEOUT, "IKE SA '" + ike + "' rekeyed (was " + before + ")");
    }

    /**
     * Rekeys the installed child SA {@code child} and waits until an installed one with new SPIs replaces it
     * (the old one stays listed, {@code DELETED}, for a few seconds); returns the new one.
     */
    public ChildSaStatus rekeyChild(String child) {
        ChildSaStatus before = installedChild(child)
                .orElseThrow(() -> new IllegalStateException("no installed child SA '" + child + "' to rekey in "
                        + namespace.name() + ": " + listSas()));
        Set<Integer> oldSpis = Set.of(before.spiIn(), before.spiOut());
        run("--rekey", "--child", child);
        return await(() -> listSas().stream()
                        .flatMap(sa -> sa.children().stream())
                        .filter(c -> c.name().equals(child) && c.isInstalled() && !oldSpis.contains(c.spiIn()))
                        .findFirst(),
                DEFAULT_TIMEOUT, "child SA '" + child + "' rekeyed (was " + before + ")");
    }

    private <T> T await(Supplier<Optional<T>> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (!charon.isAlive()) {
                throw new IllegalStateException("charon in " + namespace.name() + " exited while waiting for " + what
                        + "\n" + charon.describeOutput() + logTailSection());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " in " + namespace.name() + " within " + timeout
                        + "; SAs now:\n" + listSas().stream().map(IkeSaStatus::toString)
                        .collect(Collectors.joining("\n")) + logTailSection());
            }
            sleep(POLL);
        }
    }

    // ---- log ----

    /** The last {@code lines} lines of charon's log (empty if there is no log yet). */
    public String logTail(int lines) {
        Path log = log();
        if (!Files.exists(log)) {
            return "";
        }
        Deque<String> tail = new ArrayDeque<>(lines + 1);
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = reader.readLine()) != null) {
                tail.addLast(line);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            }
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
        return tail.isEmpty() ? "" : String.join("\n", tail) + "\n";
    }

    private String logTailSection() {
        return "\n--- last " + LOG_TAIL_IN_ERRORS + " lines of " + log() + " ---\n" + logTail(LOG_TAIL_IN_ERRORS);
    }

    private CommandResult withLogTail(CommandResult result) {
        return new CommandResult(result.command(), result.exitCode(), result.stdout(),
                result.stderr() + logTailSection(), result.timedOut());
    }

    // ---- teardown ----

    public boolean isRunning() {
        return charon.isAlive();
    }

    /** Stops charon (SIGTERM, then SIGKILL); its mount namespace, TUN device and routes go with it. Idempotent. */
    public void stop() {
        charon.stop();
    }

    @Override
    public void close() {
        stop();
    }

    private static long seconds(Duration timeout) {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for charon", e);
        }
    }

    @Override
    public String toString() {
        return "strongSwan in " + namespace.name() + " (" + workDir + ")";
    }
}
