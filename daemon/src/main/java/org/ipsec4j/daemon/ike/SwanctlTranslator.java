package org.ipsec4j.daemon.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.PortSelector;
import org.ipsec4j.ike.auth.CertificateIdentity;
import org.ipsec4j.ike.auth.Identity;
import org.ipsec4j.ike.auth.KeyFileException;
import org.ipsec4j.ike.auth.KeyFiles;
import org.ipsec4j.ike.auth.TrustStore;
import org.ipsec4j.ike.config.AuthRoundConfig;
import org.ipsec4j.ike.config.ChildConfig;
import org.ipsec4j.ike.config.ConfigException;
import org.ipsec4j.ike.config.ConnectionConfig;
import org.ipsec4j.ike.config.PeerAddress;
import org.ipsec4j.ike.config.PoolConfig;
import org.ipsec4j.ike.config.ProposalSpec;
import org.ipsec4j.ike.config.SwanctlConfig;
import org.ipsec4j.ike.config.SwanctlParser;
import org.ipsec4j.ike.config.TrafficSelectorSpec;
import org.ipsec4j.ike.config.TransformSpec;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.sa.AddressPool;
import org.ipsec4j.ike.sa.ChildConnection;
import org.ipsec4j.ike.sa.IkeConnection;
import org.ipsec4j.ike.sa.LocalAuthentication;
import org.ipsec4j.ike.sa.PeerAuthentication;
import org.ipsec4j.ike.sa.SelectorRange;

/**
 * Turns a parsed swanctl.conf into what the IKE engine runs: {@link IkeConnection}s with their children,
 * pre-shared keys, pools, certificates and private keys.
 *
 * <p>Files are found as swanctl finds them, relative to the configuration file's directory: {@code certs} in
 * {@code x509/}, {@code cacerts} in {@code x509ca/} (all of {@code x509ca/} when a pubkey remote round names
 * none), absolute paths as given; the private key for a round's certificate is whichever file in
 * {@code private/} (or swanctl's older {@code rsa/}, {@code ecdsa/}, {@code pkcs8/}) holds the key that matches
 * its public key.
 *
 * <p>Everything the engine cannot do is refused here, not ignored: {@code file:line:column: key.path: problem},
 * as the parser reports its own errors.
 */
public final class SwanctlTranslator {

    /** swanctl's key directories, newest first. */
    private static final List<String> KEY_DIRECTORIES = List.of("private", "rsa", "ecdsa", "pkcs8");
    /** IKE fragment sizes (RFC 7383 §2.5.1): what any IPv4 path carries, and the IPv6 minimum MTU. */
    static final int FRAGMENT_SIZE_IPV4 = 576;
    static final int FRAGMENT_SIZE_IPV6 = 1280;

    private final Path file;
    private final String source;
    private final Path base;
    private final SwanctlConfig config;
    private final SwanctlPositions positions;
    private final SourceAddressResolver resolver;
    private final Map<PoolConfig, AddressPool> reusablePools;
    private final Map<PoolConfig, AddressPool> pools = new LinkedHashMap<>();
    private final List<org.ipsec4j.esp.spd.SecurityPolicy> shunts = new ArrayList<>();
    private MessageDigest fileDigest;

    private SwanctlTranslator(Path file, String text, SwanctlConfig config, SourceAddressResolver resolver,
            Map<PoolConfig, AddressPool> reusablePools) {
        this.file = file;
        this.source = file.toString();
        Path parent = file.toAbsolutePath().getParent();
        this.base = parent == null ? Path.of("/") : parent;
        this.config = config;
        this.positions = SwanctlPositions.of(text);
        this.resolver = resolver;
        this.reusablePools = reusablePools;
    }

    /**
     * Reads, parses and translates a swanctl.conf. On any error the keys read so far are zeroed.
     *
     * @param reusablePools pools of the configuration this one replaces: an unchanged pool keeps its leases
     * @throws IOException     the file cannot be read
     * @throws ConfigException with file, line and column: what the parser or the translation refuses
     */
    public static IkeConfiguration load(Path file, SourceAddressResolver resolver,
            Map<PoolConfig, AddressPool> reusablePools) throws IOException, ConfigException {
        SwanctlConfig config = SwanctlParser.parse(file);
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return translate(file, text, config, resolver, reusablePools);
    }

    /** Translates an already parsed file; {@code text} is its content (for positions in errors). */
    public static IkeConfiguration translate(Path file, String text, SwanctlConfig config,
            SourceAddressResolver resolver, Map<PoolConfig, AddressPool> reusablePools) throws ConfigException {
        SwanctlTranslator translator = new SwanctlTranslator(file, text, config, resolver, reusablePools);
        try {
            return translator.translate();
        } catch (ConfigException | RuntimeException e) {
            config.destroySecrets();
            throw e;
        }
    }

    private IkeConfiguration translate() throws ConfigException {
        List<IkeConnection> connections = new ArrayList<>();
        Map<String, IkeConfiguration.Extras> extras = new LinkedHashMap<>();
        for (ConnectionConfig c : config.connections().values()) {
            fileDigest = sha256();
            IkeConnection connection = connection(c);
            connections.add(connection);
            PoolConfig pool = c.pools().isEmpty() ? null : config.pools().get(c.pools().getFirst());
            Fingerprint fingerprint = new Fingerprint(c, pool, HexFormat.of().formatHex(fileDigest.digest()),
                    connection.localAddresses());
            extras.put(c.name(), new IkeConfiguration.Extras(fingerprint, c.keyingTries()));
        }
        return new IkeConfiguration(file, connections, extras, config, pools, shunts);
    }

    /** What makes two loads of a connection the same connection. */
    private record Fingerprint(ConnectionConfig config, PoolConfig pool, String fileDigest,
            List<IpAddress> localAddresses) {}

    // ---- connections ----

    private IkeConnection connection(ConnectionConfig c) throws ConfigException {
        String path = "connections." + c.name();
        List<IpAddress> remote = addresses(c.remoteAddrs(), path + ".remote_addrs");
        List<IpAddress> local = addresses(c.localAddrs(), path + ".local_addrs");
        if (local.isEmpty() && !remote.isEmpty()) {
            // local_addrs = %any: initiate from the address the kernel would use towards the peer.
            InetAddress source = resolver.sourceFor(remote.getFirst().toInetAddress());
            if (source != null) {
                local = List.of(IpAddress.of(source));
            }
        }
        if (c.localPort() != 500 && c.localPort() != 4500) {
            throw error(path + ".local_port", "ipsec4j's IKE listens on ports 500 and 4500 only, not "
                    + c.localPort());
        }
        if (c.unique() != ConnectionConfig.Unique.NO) {
            throw error(path + ".unique", "unique = " + name(c.unique()) + " is not supported by ipsec4j (only "
                    + "the default, no: an IKE SA with INITIAL_CONTACT replaces older ones of the same peer)");
        }
        if (c.sendCert() == ConnectionConfig.SendCert.NEVER) {
            throw error(path + ".send_cert", "send_cert = never is not supported by ipsec4j (certificates are "
                    + "always sent with a pubkey round)");
        }
        boolean requestVirtualIp = false;
        for (InetAddress vip : c.vips()) {
            if (!(vip instanceof java.net.Inet4Address) || !vip.isAnyLocalAddress()) {
                throw error(path + ".vips", "ipsec4j requests any IPv4 virtual IP (vips = 0.0.0.0); asking for "
                        + vip.getHostAddress() + " is not supported");
            }
            requestVirtualIp = true;
        }
        AddressPool pool = null;
        if (c.pools().size() > 1) {
            throw error(path + ".pools", "one pool per connection is supported by ipsec4j, not "
                    + c.pools().size());
        }
        if (!c.pools().isEmpty()) {
            PoolConfig pc = config.pools().get(c.pools().getFirst());
            pool = pools.computeIfAbsent(pc, p -> reusablePools.containsKey(p) ? reusablePools.get(p)
                    : new AddressPool(p.name(), p.addresses(), p.dns().stream().map(IpAddress::of).toList()));
        }
        LocalAuthentication localAuth = localAuthentication(c, path, local);
        PeerAuthentication remoteAuth = remoteAuthentication(c, path);
        if (localAuth.kind() == LocalAuthentication.AuthKind.PSK
                || remoteAuth.kind() == LocalAuthentication.AuthKind.PSK) {
            String localId = IkeConfiguration.text(localAuth.id());
            String remoteId = IkeConfiguration.text(remoteAuth.id());
            if (config.sharedSecret(localId, remoteId).isEmpty()) {
                AuthRoundConfig round = localAuth.kind() == LocalAuthentication.AuthKind.PSK ? c.local() : c.remote();
                throw error(path + "." + round.section() + ".auth", "auth = psk, but the secrets section has no "
                        + "ike secret for " + (localId == null ? "%any" : "'" + localId + "'") + " and "
                        + (remoteId == null ? "%any" : "'" + remoteId + "'")
                        + " (add secrets { ike-NAME { id = ...; secret = ... } })");
            }
        }
        List<ChildConnection> children = new ArrayList<>();
        for (ChildConfig child : c.children().values()) {
            if (child.shunt() != ChildConfig.Shunt.NONE) {
                shunt(c.name(), child, path + ".children." + child.name());
                continue;
            }
            children.add(child(child, path + ".children." + child.name()));
        }
        try {
            return new IkeConnection(c.name(), local, remote, c.localPort(), c.remotePort(),
                    proposals(c.proposals(), ProtocolId.IKE), localAuth, remoteAuth, c.encap(),
                    c.fragmentation() != ConnectionConfig.Fragmentation.NO, FRAGMENT_SIZE_IPV4, FRAGMENT_SIZE_IPV6,
                    c.dpdDelay(), c.rekeyTime(), c.randTime(), pool, requestVirtualIp, children,
                    new IkeConnection.PathOptions(c.pmtuDiscovery(), c.pmtuProbeInterval(), c.encapFallback()));
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    /** A list of single addresses; empty for %any. Subnets and ranges cannot be told to the engine. */
    private List<IpAddress> addresses(List<PeerAddress> entries, String path) throws ConfigException {
        List<IpAddress> out = new ArrayList<>();
        boolean any = false;
        for (PeerAddress entry : entries) {
            if (entry.isAny()) {
                any = true;
            } else if (entry.isSingle()) {
                out.add(entry.range().first());
            } else {
                throw error(path, "'" + entry + "': subnets and ranges are not supported by ipsec4j (list "
                        + "addresses, or %any)");
            }
        }
        if (any && !out.isEmpty()) {
            throw error(path, "%any together with addresses is not supported by ipsec4j (either, not both)");
        }
        return out;
    }

    private static List<Proposal> proposals(List<ProposalSpec> specs, int protocolId) {
        List<Proposal> out = new ArrayList<>();
        for (ProposalSpec spec : specs) {
            List<Transform> transforms = new ArrayList<>();
            for (TransformSpec t : spec.transforms()) {
                transforms.add(t.keyLength() != 0 ? Transform.of(t.type(), t.id(), t.keyLength())
                        : Transform.of(t.type(), t.id()));
            }
            // RFC 7296 §3.3.1: proposals are numbered from 1; ESP proposals carry a 4-byte SPI, filled in per
            // exchange by the engine; IKE_SA_INIT proposals carry none.
            byte[] spi = protocolId == ProtocolId.ESP ? new byte[4] : new byte[0];
            out.add(new Proposal(out.size() + 1, protocolId, spi, transforms));
        }
        return out;
    }

    // ---- children ----

    /**
     * A {@code mode = pass | drop} child: outbound BYPASS or DISCARD policies for local_ts × remote_ts, the way
     * swanctl installs shunts (start_action = trap, which the parser demands).
     */
    private void shunt(String connection, ChildConfig child, String path) throws ConfigException {
        List<SelectorRange> local = selectors(child.localTs(), path + ".local_ts");
        List<SelectorRange> remote = selectors(child.remoteTs(), path + ".remote_ts");
        List<org.ipsec4j.esp.selector.TrafficSelector> selectors = SelectorRange.policies(local, remote);
        if (selectors.isEmpty()) {
            throw error(path + ".remote_ts", "local_ts and remote_ts share no address family (and protocol)");
        }
        org.ipsec4j.esp.spd.PolicyAction action = child.shunt() == ChildConfig.Shunt.PASS
                ? org.ipsec4j.esp.spd.PolicyAction.BYPASS : org.ipsec4j.esp.spd.PolicyAction.DISCARD;
        for (org.ipsec4j.esp.selector.TrafficSelector s : selectors) {
            shunts.add(new org.ipsec4j.esp.spd.SecurityPolicy(org.ipsec4j.esp.spd.Direction.OUT, s, action,
                    "shunt " + connection + "/" + child.name()));
        }
    }

    private ChildConnection child(ChildConfig child, String path) throws ConfigException {
        ChildConnection.StartAction start = switch (child.startAction()) {
            case NONE -> ChildConnection.StartAction.NONE;
            case START -> ChildConnection.StartAction.START;
            case TRAP -> ChildConnection.StartAction.TRAP;
        };
        if (child.closeAction() != ChildConfig.CloseAction.NONE) {
            throw error(path + ".close_action", "close_action = " + name(child.closeAction()) + " is not "
                    + "supported by ipsec4j (only none)");
        }
        ChildConnection.DpdAction dpd = switch (child.dpdAction()) {
            case CLEAR -> ChildConnection.DpdAction.CLEAR;
            case RESTART -> ChildConnection.DpdAction.RESTART;
            case NONE -> ChildConnection.DpdAction.NONE;
            case TRAP -> ChildConnection.DpdAction.TRAP;
        };
        List<SelectorRange> local = selectors(child.localTs(), path + ".local_ts");
        List<SelectorRange> remote = selectors(child.remoteTs(), path + ".remote_ts");
        try {
            return new ChildConnection(child.name(), local, remote, proposals(child.espProposals(), ProtocolId.ESP),
                    child.mode(), start, dpd, child.rekeyTime(), child.lifeTime(), child.randTime(),
                    child.replayWindow(), child.dontFragment(), child.prefragment());
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    /** Traffic selectors; {@code dynamic} is the empty list (the engine fills in the address or virtual IP). */
    private List<SelectorRange> selectors(List<TrafficSelectorSpec> specs, String path) throws ConfigException {
        List<SelectorRange> out = new ArrayList<>();
        boolean dynamic = false;
        for (TrafficSelectorSpec spec : specs) {
            if (spec.dynamic()) {
                if (spec.protocol() != 0 || !(spec.ports() instanceof PortSelector.Any)) {
                    throw error(path, "'" + spec + "': dynamic with a protocol or port is not supported by "
                            + "ipsec4j (write the address, or plain dynamic)");
                }
                dynamic = true;
                continue;
            }
            int low;
            int high;
            switch (spec.ports()) {
                case PortSelector.Any a -> {
                    low = 0;
                    high = 0xFFFF;
                }
                case PortSelector.Range r -> {
                    low = r.low();
                    high = r.high();
                }
                case PortSelector.Opaque o -> throw error(path, "'" + spec + "': opaque ports are not supported "
                        + "by ipsec4j's IKE");
            }
            out.add(new SelectorRange(spec.addresses(), spec.protocol(), low, high));
        }
        if (dynamic && !out.isEmpty()) {
            throw error(path, "dynamic together with subnets is not supported by ipsec4j (either, not both)");
        }
        return out;
    }

    // ---- authentication ----

    private LocalAuthentication localAuthentication(ConnectionConfig c, String path, List<IpAddress> local)
            throws ConfigException {
        AuthRoundConfig round = c.local();
        String roundPath = path + "." + round.section();
        if (round.method() == AuthRoundConfig.Method.PSK) {
            if (!round.certs().isEmpty()) {
                throw error(roundPath + ".certs", "certificates are for auth = pubkey, not psk");
            }
            Identity id;
            if (round.hasId()) {
                id = identity(round.id(), roundPath + ".id");
            } else if (!local.isEmpty()) {
                id = Identity.address(local.getFirst().toInetAddress()); // strongSwan's default: the IKE address
            } else {
                throw error(roundPath, "needs an id: local_addrs is %any, so there is no address to use as the "
                        + "identity");
            }
            return LocalAuthentication.psk(id);
        }
        if (round.certs().isEmpty()) {
            throw error(roundPath + ".auth", "auth = pubkey needs certs = FILE (a certificate in x509/ whose "
                    + "private key is in private/)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (String name : round.certs()) {
            chain.addAll(certificates(name, "x509", roundPath + ".certs"));
        }
        X509Certificate own = chain.getFirst();
        PrivateKey key = privateKey(own, round.certs().getFirst(), roundPath + ".certs");
        Identity id = round.hasId() ? identity(round.id(), roundPath + ".id")
                : Identity.distinguishedName(own.getSubjectX500Principal());
        if (!CertificateIdentity.matches(own, id)) {
            throw error(roundPath + ".id", "'" + id + "' is neither the subject nor a subjectAltName of "
                    + round.certs().getFirst() + " (" + own.getSubjectX500Principal().getName() + ")");
        }
        return new LocalAuthentication(LocalAuthentication.AuthKind.PUBKEY, id, key, chain);
    }

    private PeerAuthentication remoteAuthentication(ConnectionConfig c, String path) throws ConfigException {
        AuthRoundConfig round = c.remote();
        String roundPath = path + "." + round.section();
        Identity id = round.hasId() ? identity(round.id(), roundPath + ".id") : Identity.any();
        if (round.method() == AuthRoundConfig.Method.PSK) {
            if (!round.certs().isEmpty() || !round.caCerts().isEmpty()) {
                throw error(roundPath + (round.certs().isEmpty() ? ".cacerts" : ".certs"),
                        "certificates are for auth = pubkey, not psk");
            }
            return new PeerAuthentication(LocalAuthentication.AuthKind.PSK, id, null);
        }
        if (!round.certs().isEmpty()) {
            throw error(roundPath + ".certs", "pinning the peer's certificate is not supported by ipsec4j: name "
                    + "the CA that issued it in cacerts");
        }
        List<X509Certificate> authorities = new ArrayList<>();
        if (round.caCerts().isEmpty()) {
            Path directory = base.resolve("x509ca");
            for (Path f : files(directory, List.of(".pem", ".crt", ".cer", ".der"))) {
                authorities.addAll(certificates(f.toString(), "x509ca", roundPath + ".auth"));
            }
            if (authorities.isEmpty()) {
                throw error(roundPath + ".auth", "auth = pubkey needs CA certificates: cacerts = FILE, or files in "
                        + directory);
            }
        } else {
            for (String name : round.caCerts()) {
                authorities.addAll(certificates(name, "x509ca", roundPath + ".cacerts"));
            }
        }
        return new PeerAuthentication(LocalAuthentication.AuthKind.PUBKEY, id, new TrustStore(authorities));
    }

    private Identity identity(String text, String path) throws ConfigException {
        try {
            return Identity.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(path, "'" + text + "' is not an identity: " + e.getMessage());
        }
    }

    /** The certificates in a file named as swanctl names it: relative to {@code directory}, or absolute. */
    private List<X509Certificate> certificates(String name, String directory, String path) throws ConfigException {
        Path f = resolve(name, directory);
        try {
            List<X509Certificate> certs = KeyFiles.readCertificates(f);
            digest(f);
            if (certs.isEmpty()) {
                throw error(path, f + " holds no certificate");
            }
            return certs;
        } catch (KeyFileException e) {
            throw error(path, Files.exists(f) ? e.getMessage() : "no certificate file " + f);
        }
    }

    Path resolve(String name, String directory) {
        Path p = Path.of(name);
        return p.isAbsolute() ? p : base.resolve(directory).resolve(p);
    }

    /** The private key, in swanctl's key directories, that belongs to {@code cert}. */
    private PrivateKey privateKey(X509Certificate cert, String certName, String path) throws ConfigException {
        List<String> unreadable = new ArrayList<>();
        for (String directory : KEY_DIRECTORIES) {
            for (Path f : files(base.resolve(directory), List.of(".pem", ".der", ".key"))) {
                PrivateKey key;
                try {
                    key = KeyFiles.readPrivateKey(f);
                } catch (KeyFileException e) {
                    unreadable.add(e.getMessage());
                    continue;
                }
                if (belongsTo(key, cert.getPublicKey())) {
                    digest(f);
                    return key;
                }
            }
        }
        throw error(path, "no private key for " + certName + " (" + cert.getSubjectX500Principal().getName()
                + ") in " + base.resolve("private") + (unreadable.isEmpty() ? "" : "; unreadable: "
                + String.join("; ", unreadable)));
    }

    /** Whether a private key is the one of a public key: same RSA modulus, or a signature that verifies. */
    static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = "ipsec4j: does this key belong to the certificate?".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // another curve, or a key this JDK cannot use: not this one
        }
    }

    private static List<Path> files(Path directory, List<String> extensions) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path f : stream) {
                String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(f) && extensions.stream().anyMatch(lower::endsWith)) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private void digest(Path f) {
        try {
            fileDigest.update(f.toString().getBytes(StandardCharsets.UTF_8));
            fileDigest.update(Files.readAllBytes(f));
        } catch (IOException e) {
            fileDigest.update((byte) 0); // read a moment ago; a file that vanished counts as changed next time
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private ConfigException error(String path, String problem) {
        SwanctlPositions.Position at = positions.locate(path);
        return new ConfigException(source, at.line(), at.column(), path + ": " + problem);
    }
}
