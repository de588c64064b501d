package org.ipsec4j.ike.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.ipsec4j.esp.replay.ReplayWindow;
import org.ipsec4j.esp.sad.DontFragmentPolicy;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.config.ChildConfig.CloseAction;
import org.ipsec4j.ike.config.ChildConfig.DpdAction;
import org.ipsec4j.ike.config.ChildConfig.StartAction;
import org.ipsec4j.ike.config.ConnectionConfig.Fragmentation;
import org.ipsec4j.ike.config.ConnectionConfig.SendCert;
import org.ipsec4j.ike.config.ConnectionConfig.Unique;
import org.ipsec4j.ike.config.SettingsTree.Entry;
import org.ipsec4j.ike.config.SettingsTree.Section;
import org.ipsec4j.ike.config.SettingsTree.Setting;

/**
 * Reads the subset of strongSwan's swanctl.conf that ipsec4j implements into a {@link SwanctlConfig}.
 *
 * <p>The syntax is strongswan.conf's (see {@link SettingsReader}); the sections and keys are swanctl.conf(5)'s:
 * {@code connections} (IKEv2 only, one local and one remote authentication round, psk or pubkey),
 * {@code children}, {@code pools} ({@code addrs}, {@code dns}) and {@code secrets} ({@code ike<suffix>}).
 * Defaults are strongSwan's. Everything else strongSwan knows is refused with "not supported by ipsec4j",
 * anything it does not know with "unknown", and a bad value with what is wrong: always as
 * {@code file:line:column: dotted.key.path: problem}, never silently ignored.
 */
public final class SwanctlParser {

    /** Larger files are refused before parsing; a real swanctl.conf is a few kilobytes. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final Duration IKE_REKEY_TIME = Duration.ofHours(4);
    private static final Duration CHILD_REKEY_TIME = Duration.ofHours(1);
    private static final List<String> CONNECTION_KEYS = List.of("version", "local_addrs", "remote_addrs",
            "local_port", "remote_port", "proposals", "vips", "pools", "encap", "mobike", "fragmentation",
            "dpd_delay", "dpd_timeout", "rekey_time", "reauth_time", "over_time", "rand_time", "keyingtries",
            "unique", "send_certreq", "send_cert", "pmtu_discovery", "pmtu_probe_interval", "encap_fallback");
    private static final List<String> CONNECTION_SECTIONS = List.of("children", "local", "remote");
    private static final List<String> AUTH_KEYS = List.of("auth", "id", "certs", "cacerts");
    private static final List<String> CHILD_KEYS = List.of("local_ts", "remote_ts", "esp_proposals", "mode",
            "start_action", "close_action", "dpd_action", "rekey_time", "life_time", "rand_time", "replay_window",
            "copy_df", "df_bit", "prefragment");
    private static final List<String> POOL_KEYS = List.of("addrs", "dns");
    private static final List<String> TOP_KEYS = List.of("connections", "pools", "secrets");

    private final SourceText source;
    private final Map<String, PoolConfig> pools = new LinkedHashMap<>();
    private final Map<String, Setting> poolAddrs = new LinkedHashMap<>();

    private SwanctlParser(SourceText source) {
        this.source = source;
    }

    /**
     * Reads {@code path} as UTF-8 and parses it; the source name in errors is the path as given. Bytes that are
     * not UTF-8 are a {@link ConfigException} at their line and column; a file larger than
     * {@link #MAX_FILE_BYTES} or one that cannot be read is an {@link IOException}.
     */
    public static SwanctlConfig parse(Path path) throws IOException, ConfigException {
        String name = path.toString();
        if (Files.size(path) > MAX_FILE_BYTES) {
            throw new IOException(name + ": larger than " + MAX_FILE_BYTES + " bytes; not a swanctl.conf?");
        }
        return parse(decodeUtf8(Files.readAllBytes(path), name), name);
    }

    /** Parses swanctl.conf text; {@code sourceName} names it in errors. */
    public static SwanctlConfig parse(String text, String sourceName) throws ConfigException {
        SourceText source = new SourceText(sourceName, text);
        Section root = SettingsReader.read(source);
        return new SwanctlParser(source).config(root);
    }

    static String decodeUtf8(byte[] bytes, String name) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            String good = out.toString();
            SourceText partial = new SourceText(name, good);
            throw partial.error(good.length(), "bytes that are not UTF-8 (at byte " + in.position() + ")");
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------- top level

    private SwanctlConfig config(Section root) throws ConfigException {
        Section connections = null;
        Section secrets = null;
        for (Entry entry : root.entries()) {
            switch (entry.name()) {
                case "connections" -> connections = section(entry, "connections");
                case "pools" -> pools(section(entry, "pools"));
                case "secrets" -> secrets = section(entry, "secrets");
                default -> throw refuse(entry, entry.name(), StrongswanOptions.TOP, List.of(), TOP_KEYS);
            }
        }
        Map<String, ConnectionConfig> connectionMap = new LinkedHashMap<>();
        if (connections != null) {
            for (Entry entry : connections.entries()) {
                String path = "connections." + entry.name();
                Section section = section(entry, path);
                connectionMap.put(entry.name(), connection(section, path));
            }
        }
        List<SharedSecret> secretList = new ArrayList<>();
        if (secrets != null) {
            for (Entry entry : secrets.entries()) {
                String path = "secrets." + entry.name();
                secretList.add(secret(section(entry, path), path));
            }
        }
        return new SwanctlConfig(connectionMap, pools, secretList);
    }

    // ------------------------------------------------------------------------------------------ connections

    private ConnectionConfig connection(Section section, String path) throws ConfigException {
        List<PeerAddress> localAddrs = List.of(PeerAddress.ANY);
        List<PeerAddress> remoteAddrs = List.of(PeerAddress.ANY);
        int localPort = 500;
        int remotePort = 500;
        List<ProposalSpec> proposals = ProposalParser.defaults(ProposalSpec.Protocol.IKE);
        List<InetAddress> vips = List.of();
        List<String> poolNames = List.of();
        boolean encap = false;
        Fragmentation fragmentation = Fragmentation.YES;
        Duration dpdDelay = Duration.ZERO;
        Duration dpdTimeout = Duration.ZERO;
        Duration rekeyTime = IKE_REKEY_TIME;
        Duration overTime = null;
        Duration randTime = null;
        int keyingTries = 1;
        Unique unique = Unique.NO;
        boolean sendCertRequest = true;
        SendCert sendCert = SendCert.IFASKED;
        boolean pmtuDiscovery = true;
        Duration pmtuProbeInterval = Duration.ofMinutes(1);
        boolean encapFallback = true;
        AuthRoundConfig local = null;
        AuthRoundConfig remote = null;
        Section children = null;
        String childrenPath = null;
        Setting overTimeSetting = null;
        Setting randTimeSetting = null;
        for (Entry entry : section.entries()) {
            String name = entry.name();
            String key = path + "." + name;
            if (entry instanceof Section sub) {
                if (name.startsWith("local")) {
                    if (local != null) {
                        throw source.error(sub.offset(), key + ": a second local authentication round "
                                + "(RFC 4739) is not supported by ipsec4j; '" + local.section() + "' is the first");
                    }
                    local = authRound(sub, key, true);
                } else if (name.startsWith("remote")) {
                    if (remote != null) {
                        throw source.error(sub.offset(), key + ": a second remote authentication round "
                                + "(RFC 4739) is not supported by ipsec4j; '" + remote.section() + "' is the first");
                    }
                    remote = authRound(sub, key, false);
                } else if (name.equals("children")) {
                    children = sub;
                    childrenPath = key;
                } else {
                    throw refuse(entry, key, StrongswanOptions.CONNECTION, CONNECTION_KEYS, CONNECTION_SECTIONS);
                }
                continue;
            }
            Setting setting = (Setting) entry;
            switch (name) {
                case "version" -> {
                    String v = text(setting, key);
                    if (v.equals("1")) {
                        throw valueError(setting, 0, key, "IKEv1 is not supported by ipsec4j (version = 2, or 0 "
                                + "for the default, which here means IKEv2 only)");
                    }
                    if (!v.equals("0") && !v.equals("2")) {
                        throw valueError(setting, 0, key, "expected 0 or 2, found '" + AddressText.shown(v) + "'");
                    }
                }
                case "local_addrs" -> localAddrs = peerAddresses(setting, key);
                case "remote_addrs" -> remoteAddrs = peerAddresses(setting, key);
                case "local_port" -> localPort = integer(setting, key, 1, 65535);
                case "remote_port" -> remotePort = integer(setting, key, 1, 65535);
                case "proposals" -> proposals = parsed(setting, key,
                        v -> ProposalParser.parse(ProposalSpec.Protocol.IKE, v));
                case "vips" -> vips = virtualIps(setting, key);
                case "pools" -> poolNames = poolReferences(setting, key);
                case "encap" -> encap = bool(setting, key);
                case "mobike" -> bool(setting, key); // accepted, see ConnectionConfig: never announced
                case "fragmentation" -> fragmentation = choice(setting, key,
                        Map.of("yes", Fragmentation.YES, "no", Fragmentation.NO, "force", Fragmentation.FORCE));
                case "dpd_delay" -> dpdDelay = duration(setting, key);
                case "dpd_timeout" -> dpdTimeout = duration(setting, key);
                case "rekey_time" -> rekeyTime = duration(setting, key);
                case "reauth_time" -> {
                    if (!duration(setting, key).isZero()) {
                        throw valueError(setting, 0, key, "IKE reauthentication is not supported by ipsec4j: "
                                + "only 0 (never) is accepted; rekey_time keeps the keys fresh");
                    }
                }
                case "over_time" -> {
                    overTime = duration(setting, key);
                    overTimeSetting = setting;
                }
                case "rand_time" -> {
                    randTime = duration(setting, key);
                    randTimeSetting = setting;
                }
                case "keyingtries" -> keyingTries = integer(setting, key, 0, 1_000_000);
                case "unique" -> unique = choice(setting, key, Map.of("never", Unique.NEVER, "no", Unique.NO,
                        "keep", Unique.KEEP, "replace", Unique.REPLACE));
                case "send_certreq" -> sendCertRequest = bool(setting, key);
                case "pmtu_discovery" -> pmtuDiscovery = bool(setting, key);
                case "pmtu_probe_interval" -> {
                    pmtuProbeInterval = duration(setting, key);
                    if (pmtuProbeInterval.toMillis() < 1000) {
                        throw valueError(setting, 0, key, "at least 1s");
                    }
                }
                case "encap_fallback" -> encapFallback = bool(setting, key);
                case "send_cert" -> sendCert = choice(setting, key, Map.of("always", SendCert.ALWAYS,
                        "never", SendCert.NEVER, "ifasked", SendCert.IFASKED));
                default -> throw refuse(entry, key, StrongswanOptions.CONNECTION, CONNECTION_KEYS,
                        CONNECTION_SECTIONS);
            }
        }
        if (local == null || remote == null) {
            throw source.error(section.offset(), path + ": needs a " + (local == null ? "local" : "remote")
                    + " section (authentication round: auth = psk or pubkey, id, ...)");
        }
        // swanctl.conf(5): over_time defaults to 10% of rekey_time, rand_time to over_time.
        if (overTime == null) {
            overTime = Duration.ofSeconds(rekeyTime.getSeconds() / 10);
        }
        if (randTime == null) {
            randTime = overTime;
            randTimeSetting = overTimeSetting;
        }
        if (!rekeyTime.isZero() && randTime.compareTo(rekeyTime) >= 0 && randTimeSetting != null) {
            throw valueError(randTimeSetting, 0, path + "." + randTimeSetting.name(), "rand_time ("
                    + Durations.format(randTime) + (randTimeSetting.name().equals("over_time")
                    ? ", from over_time" : "") + ") must be shorter than rekey_time ("
                    + Durations.format(rekeyTime) + ")");
        }
        Map<String, ChildConfig> childMap = new LinkedHashMap<>();
        if (children != null) {
            for (Entry entry : children.entries()) {
                String key = childrenPath + "." + entry.name();
                ChildConfig child = child(section(entry, key), key, remoteAddrs);
                childMap.put(entry.name(), child);
            }
        }
        return new ConnectionConfig(path.substring("connections.".length()), localAddrs, remoteAddrs, localPort,
                remotePort, proposals, vips, poolNames, encap, fragmentation, dpdDelay, dpdTimeout, rekeyTime,
                overTime, randTime, keyingTries, unique, sendCertRequest, sendCert, local, remote, childMap,
                pmtuDiscovery, pmtuProbeInterval, encapFallback);
    }

    private List<PeerAddress> peerAddresses(Setting setting, String key) throws ConfigException {
        List<PeerAddress> out = new ArrayList<>();
        for (ListItems.Item item : items(setting, key)) {
            out.add(parsed(setting, key, item, PeerAddress::parse));
        }
        return out;
    }

    private List<InetAddress> virtualIps(Setting setting, String key) throws ConfigException {
        List<InetAddress> out = new ArrayList<>();
        if (setting.value().isBlank()) {
            return out;
        }
        for (ListItems.Item item : items(setting, key)) {
            out.add(parsed(setting, key, item, v -> AddressText.literal(v, 0)).toInetAddress());
        }
        return out;
    }

    private List<String> poolReferences(Setting setting, String key) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (setting.value().isBlank()) {
            return out;
        }
        for (ListItems.Item item : items(setting, key)) {
            if (!pools.containsKey(item.text())) {
                throw valueError(setting, item.offset(), key, "no pool '" + AddressText.shown(item.text())
                        + "' in the pools section" + (pools.isEmpty() ? "" : " (pools: "
                        + String.join(", ", pools.keySet()) + ")"));
            }
            out.add(item.text());
        }
        return out;
    }

    // ---------------------------------------------------------------------------------- authentication rounds

    private AuthRoundConfig authRound(Section section, String path, boolean local) throws ConfigException {
        AuthRoundConfig.Method method = AuthRoundConfig.Method.PUBKEY;
        String id = local ? null : "%any";
        List<String> certs = List.of();
        List<String> caCerts = List.of();
        for (Entry entry : section.entries()) {
            String key = path + "." + entry.name();
            if (entry instanceof Section) {
                if (entry.name().startsWith("cert") || entry.name().startsWith("cacert")) {
                    throw source.error(entry.offset(), key + ": certificates on tokens (PKCS#11) are not "
                            + "supported by ipsec4j; name certificate files in certs" + (local ? "" : " or cacerts"));
                }
                throw refuse(entry, key, Set.of(), AUTH_KEYS, List.of());
            }
            Setting setting = (Setting) entry;
            switch (entry.name()) {
                case "auth" -> method = choice(setting, key, Map.of("pubkey", AuthRoundConfig.Method.PUBKEY,
                        "psk", AuthRoundConfig.Method.PSK));
                case "id" -> id = identity(setting, key);
                case "certs" -> certs = strings(setting, key);
                case "cacerts" -> {
                    if (local) {
                        throw source.error(entry.offset(), key + ": cacerts belongs in a remote section: it "
                                + "constrains the peer's certificate chain");
                    }
                    caCerts = strings(setting, key);
                }
                case "round" -> throw source.error(entry.offset(), key + ": not supported by ipsec4j (one "
                        + "authentication round per side)");
                default -> throw refuse(entry, key, StrongswanOptions.AUTH_ROUND, AUTH_KEYS, List.of());
            }
        }
        return new AuthRoundConfig(section.name(), method, id, certs, caCerts);
    }

    // -------------------------------------------------------------------------------------------- children

    private ChildConfig child(Section section, String path, List<PeerAddress> remoteAddrs)
            throws ConfigException {
        List<TrafficSelectorSpec> localTs = List.of(TrafficSelectorSpec.DYNAMIC);
        List<TrafficSelectorSpec> remoteTs = List.of(TrafficSelectorSpec.DYNAMIC);
        List<ProposalSpec> proposals = ProposalParser.defaults(ProposalSpec.Protocol.ESP);
        IpsecMode mode = IpsecMode.TUNNEL;
        ChildConfig.Shunt shunt = ChildConfig.Shunt.NONE;
        Setting modeSetting = null;
        StartAction startAction = StartAction.NONE;
        CloseAction closeAction = CloseAction.NONE;
        DpdAction dpdAction = DpdAction.CLEAR;
        Duration rekeyTime = CHILD_REKEY_TIME;
        Duration lifeTime = null;
        Duration randTime = null;
        int replayWindow = 32;
        Setting copyDfSetting = null;
        DontFragmentPolicy copyDf = null;
        Setting dfBitSetting = null;
        DontFragmentPolicy dfBit = null;
        boolean prefragment = true;
        Setting lifeTimeSetting = null;
        Setting randTimeSetting = null;
        Setting actionSetting = null;
        for (Entry entry : section.entries()) {
            String key = path + "." + entry.name();
            if (entry instanceof Section) {
                throw refuse(entry, key, Set.of(), CHILD_KEYS, List.of());
            }
            Setting setting = (Setting) entry;
            switch (entry.name()) {
                case "local_ts" -> localTs = parsed(setting, key, TrafficSelectorSpec::parseList);
                case "remote_ts" -> remoteTs = parsed(setting, key, TrafficSelectorSpec::parseList);
                case "esp_proposals" -> proposals = parsed(setting, key,
                        v -> ProposalParser.parse(ProposalSpec.Protocol.ESP, v));
                case "mode" -> {
                    modeSetting = setting;
                    String m = setting.value().toLowerCase(Locale.ROOT);
                    if (m.equals("pass") || m.equals("drop")) {
                        shunt = m.equals("pass") ? ChildConfig.Shunt.PASS : ChildConfig.Shunt.DROP;
                    } else {
                        mode = choice(setting, key, Map.of("tunnel", IpsecMode.TUNNEL, "transport",
                                IpsecMode.TRANSPORT, "pass", IpsecMode.TUNNEL, "drop", IpsecMode.TUNNEL));
                    }
                }
                case "start_action" -> {
                    startAction = choice(setting, key, Map.of("none", StartAction.NONE, "trap", StartAction.TRAP,
                            "start", StartAction.START));
                    actionSetting = setting;
                }
                case "close_action" -> closeAction = choice(setting, key, Map.of("none", CloseAction.NONE,
                        "trap", CloseAction.TRAP, "start", CloseAction.START));
                case "dpd_action" -> dpdAction = choice(setting, key, Map.of("clear", DpdAction.CLEAR,
                        "trap", DpdAction.TRAP, "restart", DpdAction.RESTART, "none", DpdAction.NONE));
                case "rekey_time" -> rekeyTime = duration(setting, key);
                case "life_time" -> {
                    lifeTime = duration(setting, key);
                    lifeTimeSetting = setting;
                }
                case "rand_time" -> {
                    randTime = duration(setting, key);
                    randTimeSetting = setting;
                }
                case "replay_window" -> replayWindow = integer(setting, key, 0, ReplayWindow.MAX_SIZE);
                // strongSwan's: copy the inner DF bit to the outer header (yes, the default) or never set it (no).
                case "copy_df" -> {
                    copyDf = bool(setting, key) ? DontFragmentPolicy.COPY : DontFragmentPolicy.CLEAR;
                    copyDfSetting = setting;
                }
                // ipsec4j's, as Cisco's crypto ipsec df-bit: copy, set or clear.
                case "df_bit" -> {
                    dfBit = choice(setting, key, Map.of("copy", DontFragmentPolicy.COPY, "set", DontFragmentPolicy.SET,
                            "clear", DontFragmentPolicy.CLEAR));
                    dfBitSetting = setting;
                }
                // ipsec4j's: fragment too-big inner packets without DF before encryption (yes, the default).
                case "prefragment" -> prefragment = bool(setting, key);
                default -> throw refuse(entry, key, StrongswanOptions.CHILD, CHILD_KEYS, List.of());
            }
        }
        // swanctl.conf(5): life_time defaults to rekey_time + 10%, rand_time to life_time - rekey_time.
        if (lifeTime == null) {
            lifeTime = Duration.ofSeconds(rekeyTime.getSeconds() + rekeyTime.getSeconds() / 10);
        } else if (!rekeyTime.isZero() && !lifeTime.isZero() && lifeTime.compareTo(rekeyTime) <= 0) {
            throw valueError(lifeTimeSetting, 0, path + ".life_time", "life_time (" + Durations.format(lifeTime)
                    + ") must be longer than rekey_time (" + Durations.format(rekeyTime) + ")");
        }
        if (randTime == null) {
            randTime = lifeTime.compareTo(rekeyTime) > 0 ? lifeTime.minus(rekeyTime) : Duration.ZERO;
        } else if (!rekeyTime.isZero() && randTime.compareTo(rekeyTime) >= 0) {
            throw valueError(randTimeSetting, 0, path + ".rand_time", "rand_time (" + Durations.format(randTime)
                    + ") must be shorter than rekey_time (" + Durations.format(rekeyTime) + ")");
        }
        if (copyDf != null && dfBit != null && copyDf != dfBit) {
            throw valueError(dfBitSetting, 0, path + ".df_bit", "df_bit = " + dfBit.keyword() + " contradicts copy_df = "
                    + copyDfSetting.value() + " (line " + source.line(copyDfSetting.offset()) + "); keep one of them");
        }
        DontFragmentPolicy dontFragment = dfBit != null ? dfBit : copyDf != null ? copyDf : DontFragmentPolicy.COPY;
        if (shunt != ChildConfig.Shunt.NONE) {
            // swanctl installs a shunt (a pass or drop policy, no SA) with start_action = trap; nothing else
            // would make it take effect.
            if (startAction != StartAction.TRAP) {
                throw valueError(modeSetting, 0, path + ".mode", "mode = " + shunt.name().toLowerCase(Locale.ROOT)
                        + " is a shunt policy, installed with start_action = trap (add it)");
            }
            if (localTs.stream().anyMatch(TrafficSelectorSpec::dynamic)
                    || remoteTs.stream().anyMatch(TrafficSelectorSpec::dynamic)) {
                throw valueError(modeSetting, 0, path + ".mode", "a shunt needs local_ts and remote_ts as subnets "
                        + "or ranges (dynamic has no address before an IKE SA exists)");
            }
            return new ChildConfig(section.name(), localTs, remoteTs, proposals, mode, startAction, closeAction,
                    dpdAction, rekeyTime, lifeTime, randTime, replayWindow, shunt, dontFragment, prefragment);
        }
        if (startAction != StartAction.NONE && remoteAddrs.stream().noneMatch(PeerAddress::isSingle)) {
            throw valueError(actionSetting, 0, path + ".start_action", "start_action = "
                    + startAction.name().toLowerCase(Locale.ROOT) + " initiates, which needs a single remote "
                    + "address in remote_addrs (it is " + remoteAddrs.stream().map(PeerAddress::toString).toList()
                    + ")");
        }
        return new ChildConfig(section.name(), localTs, remoteTs, proposals, mode, startAction, closeAction,
                dpdAction, rekeyTime, lifeTime, randTime, replayWindow, ChildConfig.Shunt.NONE, dontFragment,
                prefragment);
    }

    // ----------------------------------------------------------------------------------------------- pools

    private void pools(Section section) throws ConfigException {
        for (Entry entry : section.entries()) {
            String path = "pools." + entry.name();
            Section pool = section(entry, path);
            AddressRange addresses = null;
            Setting addrs = null;
            List<InetAddress> dns = List.of();
            for (Entry e : pool.entries()) {
                String key = path + "." + e.name();
                if (e instanceof Section) {
                    throw refuse(e, key, Set.of(), POOL_KEYS, List.of());
                }
                Setting setting = (Setting) e;
                switch (e.name()) {
                    case "addrs" -> {
                        addresses = poolRange(setting, key);
                        addrs = setting;
                    }
                    case "dns" -> dns = virtualIps(setting, key);
                    default -> throw isDigits(e.name())
                            ? source.error(e.offset(), key + ": numeric attribute types are not supported by ipsec4j")
                            : refuse(e, key, StrongswanOptions.POOL, POOL_KEYS, List.of());
                }
            }
            if (addresses == null) {
                throw source.error(pool.offset(), path + ": needs addrs (a CIDR subnet or a FROM-TO range)");
            }
            for (Map.Entry<String, PoolConfig> other : pools.entrySet()) {
                AddressRange o = other.getValue().addresses();
                if (o.family() == addresses.family() && o.first().compareTo(addresses.last()) <= 0
                        && addresses.first().compareTo(o.last()) <= 0) {
                    throw valueError(addrs, 0, path + ".addrs", "overlaps pool '" + other.getKey() + "' ("
                            + poolAddrs.get(other.getKey()).value() + " at "
                            + source.position(poolAddrs.get(other.getKey()).offset()) + ")");
                }
            }
            pools.put(entry.name(), new PoolConfig(entry.name(), addresses, dns));
            poolAddrs.put(entry.name(), addrs);
        }
    }

    /** A pool's addresses; see {@link PoolConfig#addresses()} for what a subnet loses. */
    private AddressRange poolRange(Setting setting, String key) throws ConfigException {
        String value = text(setting, key);
        if (value.indexOf(',') >= 0) {
            throw valueError(setting, value.indexOf(','), key, "one subnet or range per pool (make another pool "
                    + "for more)");
        }
        AddressRange range = parsed(setting, key, v -> AddressText.range(v, 0));
        if (value.indexOf('/') < 0) {
            return range;
        }
        int prefix = range.prefixLength();
        IpAddress first = range.first();
        IpAddress last = range.last();
        if (range.family() == IpFamily.IPV4 && prefix <= 30) {
            return new AddressRange(first.next(), new IpAddress(IpFamily.IPV4, 0, last.low() - 1));
        }
        if (range.family() == IpFamily.IPV6 && prefix <= 126) {
            return new AddressRange(first.next(), last);
        }
        return range;
    }

    // --------------------------------------------------------------------------------------------- secrets

    private SharedSecret secret(Section section, String path) throws ConfigException {
        String name = section.name();
        if (!name.startsWith("ike")) {
            for (String type : StrongswanOptions.SECRET_TYPES) {
                if (name.startsWith(type)) {
                    throw source.error(section.offset(), path + ": " + type + " secrets are not supported by "
                            + "ipsec4j (only ike<suffix> pre-shared keys)");
                }
            }
            throw source.error(section.offset(), path + ": unknown secret type (ipsec4j reads ike<suffix> "
                    + "sections: IKE pre-shared keys)");
        }
        byte[] secret = null;
        List<String> ids = new ArrayList<>();
        try {
            for (Entry entry : section.entries()) {
                String key = path + "." + entry.name();
                if (entry instanceof Section) {
                    throw refuse(entry, key, Set.of(), List.of("secret", "id"), List.of());
                }
                Setting setting = (Setting) entry;
                if (entry.name().equals("secret")) {
                    secret = secretValue(setting, key);
                } else if (entry.name().startsWith("id")) {
                    ids.add(identity(setting, key));
                } else {
                    throw refuse(entry, key, StrongswanOptions.SECRET, List.of("secret", "id"), List.of());
                }
            }
            if (secret == null) {
                throw source.error(section.offset(), path + ": needs secret = ...");
            }
            return new SharedSecret(ids, secret);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** "0x" hex, "0s" base64 or the text's UTF-8 bytes. Messages never show the secret. */
    private byte[] secretValue(Setting setting, String key) throws ConfigException {
        String value = setting.value();
        if (value.isEmpty()) {
            throw valueError(setting, 0, key, "empty secret");
        }
        byte[] out;
        if (value.startsWith("0x") || value.startsWith("0X")) {
            String hex = value.substring(2);
            if (hex.isEmpty() || hex.length() % 2 != 0) {
                throw valueError(setting, 0, key, "a 0x secret needs an even, non-zero number of hex digits");
            }
            out = new byte[hex.length() / 2];
            for (int i = 0; i < hex.length(); i++) {
                int digit = Character.digit(hex.charAt(i), 16);
                if (digit < 0 || hex.charAt(i) > 0x7F) {
                    Arrays.fill(out, (byte) 0);
                    throw valueError(setting, 2 + i, key, "a 0x secret has a character here that is not a hex "
                            + "digit");
                }
                out[i / 2] = (byte) (out[i / 2] << 4 | digit);
            }
        } else if (value.startsWith("0s")) {
            try {
                out = Base64.getDecoder().decode(value.substring(2));
            } catch (IllegalArgumentException e) {
                throw valueError(setting, 0, key, "a 0s secret is not valid base64");
            }
            if (out.length == 0) {
                throw valueError(setting, 0, key, "empty secret");
            }
        } else {
            out = value.getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------- value helpers

    @FunctionalInterface
    private interface ValueParser<T> {
        T parse(String value) throws InvalidValueException;
    }

    private <T> T parsed(Setting setting, String key, ValueParser<T> parser) throws ConfigException {
        try {
            return parser.parse(setting.value());
        } catch (InvalidValueException e) {
            throw valueError(setting, e.offset(), key, e.getMessage());
        }
    }

    private <T> T parsed(Setting setting, String key, ListItems.Item item, ValueParser<T> parser)
            throws ConfigException {
        try {
            return parser.parse(item.text());
        } catch (InvalidValueException e) {
            throw valueError(setting, item.offset() + e.offset(), key, e.getMessage());
        }
    }

    private List<ListItems.Item> items(Setting setting, String key) throws ConfigException {
        return parsed(setting, key, ListItems::split);
    }

    /** A list of file names or other strings; empty is allowed. */
    private List<String> strings(Setting setting, String key) throws ConfigException {
        if (setting.value().isBlank()) {
            return List.of();
        }
        return items(setting, key).stream().map(ListItems.Item::text).toList();
    }

    private String text(Setting setting, String key) throws ConfigException {
        if (setting.value().isEmpty()) {
            throw valueError(setting, 0, key, "empty value");
        }
        return setting.value();
    }

    /**
     * An identity, kept as text. A lone "@" is what is left of an unquoted key id such as {@code @#0102}, whose
     * '#' started a comment: refused, with the fix.
     */
    private String identity(Setting setting, String key) throws ConfigException {
        String value = text(setting, key);
        if (value.equals("@")) {
            throw valueError(setting, 0, key, "'@' alone is an empty identity; a key id (@#hex) must be quoted, "
                    + "since '#' starts a comment: id = \"@#0102...\"");
        }
        return value;
    }

    private Duration duration(Setting setting, String key) throws ConfigException {
        return parsed(setting, key, Durations::parse);
    }

    /** strongSwan's booleans: yes/no, true/false, on/off, enabled/disabled, 1/0; case does not matter. */
    private boolean bool(Setting setting, String key) throws ConfigException {
        return switch (setting.value().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "enabled", "1" -> true;
            case "no", "false", "off", "disabled", "0" -> false;
            default -> throw valueError(setting, 0, key, "expected yes or no, found '"
                    + AddressText.shown(setting.value()) + "'");
        };
    }

    /** Decimal, or hexadecimal with 0x (strongswan.conf(5) "NUMBER FORMATS"). */
    private int integer(Setting setting, String key, int min, int max) throws ConfigException {
        String value = setting.value();
        boolean hex = value.startsWith("0x") || value.startsWith("0X");
        String digits = hex ? value.substring(2) : value;
        long parsed = -1;
        if (!digits.isEmpty() && digits.length() <= 10
                && digits.chars().allMatch(c -> c < 0x80 && Character.digit(c, hex ? 16 : 10) >= 0)) {
            parsed = Long.parseLong(digits, hex ? 16 : 10);
        }
        if (parsed < 0) {
            throw valueError(setting, 0, key, "expected a number, found '" + AddressText.shown(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw valueError(setting, 0, key, AddressText.shown(value) + " is outside " + min + ".." + max);
        }
        return (int) parsed;
    }

    private <E> E choice(Setting setting, String key, Map<String, E> choices) throws ConfigException {
        E value = choices.get(setting.value().toLowerCase(Locale.ROOT));
        if (value == null) {
            List<String> names = choices.keySet().stream().sorted().toList();
            throw valueError(setting, 0, key, (setting.value().isEmpty() ? "empty value"
                    : "'" + AddressText.shown(setting.value()) + "' is not supported by ipsec4j") + " (expected "
                    + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast() + ")");
        }
        return value;
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    // ------------------------------------------------------------------------------------- error helpers

    private Section section(Entry entry, String path) throws ConfigException {
        if (entry instanceof Section section) {
            return section;
        }
        throw source.error(entry.offset(), path + ": expected a section (" + entry.name() + " { ... }), found a "
                + "setting");
    }

    /**
     * The error for an entry ipsec4j does not take at this level: a setting written as a section or the other
     * way round, a strongSwan name ipsec4j does not implement, or an unknown name (with a suggestion).
     */
    private ConfigException refuse(Entry entry, String path, Set<String> strongswan, List<String> settings,
                                   List<String> sections) {
        String name = entry.name();
        String problem;
        if (entry instanceof Section && settings.contains(name)) {
            problem = "expected a setting (" + name + " = ...), found a section";
        } else if (entry instanceof Setting && sections.contains(name)) {
            problem = "expected a section (" + name + " { ... }), found a setting";
        } else {
            List<String> supported = new ArrayList<>(settings);
            supported.addAll(sections);
            problem = StrongswanOptions.refusal(name, strongswan, supported,
                    entry instanceof Section ? "section" : "setting");
        }
        return source.error(entry.offset(), path + ": " + problem);
    }

    private ConfigException valueError(Setting setting, int index, String key, String problem) {
        return source.error(setting.valueOffset(index), key + ": " + problem);
    }
}
