package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.ipsec4j.daemon.config.setkey.SetkeyLexer.Kind;
import org.ipsec4j.daemon.config.setkey.SetkeyLexer.Token;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;

/**
 * Parses the statements of a setkey file ({@code setkey -f}, ipsec-tools / KAME syntax) into
 * {@link SetkeyStatement}s. The first problem stops the parse with a {@link SetkeyException} at its line and
 * column; nothing is returned then, so a caller can load a file all or nothing.
 *
 * <p>The grammar, in setkey's own terms ({@code [x]} optional, {@code x...} one or more):
 * <pre>
 * add [-46n] SRC DST PROTO SPI [EXT...] ALGORITHMS ;
 *     SRC, DST   address, or address[port] with esp-udp (the port defaults to 4500)
 *     PROTO      esp | ah | esp-udp [NAT-OA address]
 *     SPI        decimal or 0x-hex, 256 to 2^32-1
 *     EXT        -m transport|tunnel|any   -r WINDOW   -u REQID   -f zero-pad|random-pad|seq-pad|nocyclic-seq
 *                -lh SECONDS   -ls SECONDS   -bh BYTES   -bs BYTES
 *     ALGORITHMS -E EALGO KEY [-A AALGO KEY]  (esp)   |   -A AALGO KEY  (ah); null takes no key
 *     KEY        0x and hex digits, or "text" (its UTF-8 bytes, on one line)
 * delete [-46n] SRC DST PROTO SPI ;        deleteall [-46n] ADDRESS ADDRESS PROTO ;
 * flush [esp|ah|esp-udp] ;                 spdflush ;
 * spdadd|spdupdate [-46n] RANGE RANGE UPPER -P DIR [PRIORITY] POLICY ;
 * spddelete [-46n] RANGE RANGE UPPER -P DIR [POLICY] ;
 *     RANGE      address[/prefixlen][[port|any]]
 *     UPPER      any | a protocol name or number | icmp|icmp6|1|58 [TYPE,CODE]
 *     DIR        in | out | fwd
 *     PRIORITY   prio|priority N | prio|priority low|def|high [+ N | - N]
 *     POLICY     discard | none | ipsec RULE...
 *     RULE       esp|ah/transport|tunnel[/[SRC-DST][/[default|use|require|unique|unique:N]]]
 *                SRC, DST: address or address[port]; required for tunnel
 * </pre>
 * Tokens are separated by any whitespace, line breaks included; {@code #} starts a comment.
 *
 * <p>Where ipsec4j is stricter than setkey it says so in the message: no host names (no DNS in a config
 * loader), no IPComp, AES-CTR or other ciphers the data plane lacks, no interactive statements (get, dump,
 * exit), SPIs 256 and up, no port on an SA that is not {@code esp-udp}, no option given twice, no
 * whitespace inside an address or a policy rule, and quoted keys end on the line they start.
 */
public final class SetkeyParser {

    private static final String STATEMENTS =
            "add, delete, deleteall, flush, spdadd, spdupdate, spddelete or spdflush";
    private static final String ADD_OPTIONS = "-m, -r, -u, -f, -lh, -ls, -bh, -bs, -E or -A";

    private final String text;
    private final String fileName;
    private final SetkeyLexer lexer;
    private Token current;

    private SetkeyParser(String text, String fileName) {
        this.text = text;
        this.fileName = fileName;
        this.lexer = new SetkeyLexer(text);
    }

    /** Parses a whole file; {@code fileName} only labels error messages and the result. */
    public static SetkeyFile parse(String text, String fileName) throws SetkeyException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fileName, "fileName");
        return new SetkeyParser(text, fileName).file();
    }

    private SetkeyFile file() throws SetkeyException {
        List<SetkeyStatement> statements = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        advance();
        while (current.kind() != Kind.END) {
            int start = current.offset();
            statements.add(statement());
            offsets.add(start);
        }
        return new SetkeyFile(fileName, statements, positions(offsets));
    }

    /** Line and column of each (ascending) offset, in one pass over the text. */
    private List<SourcePosition> positions(List<Integer> offsets) {
        List<SourcePosition> positions = new ArrayList<>(offsets.size());
        int line = 1;
        int lineStart = 0;
        int scanned = 0;
        for (int offset : offsets) {
            for (; scanned < offset; scanned++) {
                if (text.charAt(scanned) == '\n') {
                    line++;
                    lineStart = scanned + 1;
                }
            }
            positions.add(new SourcePosition(line, text.codePointCount(lineStart, offset) + 1));
        }
        return positions;
    }

    // ---- statements -------------------------------------------------------------------------------------

    private SetkeyStatement statement() throws SetkeyException {
        Token keyword = current;
        if (keyword.kind() != Kind.WORD) {
            throw error(keyword, "expected a statement (" + STATEMENTS + "), found " + describe(keyword));
        }
        String refusal = switch (keyword.text()) {
            case "get" -> "'get' shows an SA; it is a query, not configuration";
            case "getspi" -> "'getspi' reserves an SPI for a key exchange daemon; manual keying uses 'add'";
            case "update" -> "'update' changes an SA that the same process made with getspi; use delete and add";
            case "dump" -> "'dump' shows the SAD; it is a query, not configuration";
            case "spddump" -> "'spddump' shows the SPD; it is a query, not configuration";
            case "exit", "quit", "bye" -> "'" + keyword.text() + "' is for interactive setkey; just end the file";
            default -> null;
        };
        if (refusal != null) {
            throw error(keyword, refusal);
        }
        return switch (keyword.text()) {
            case "add" -> addSa();
            case "delete" -> deleteSa();
            case "deleteall" -> deleteAll();
            case "flush" -> flush();
            case "spdadd", "spdupdate", "spddelete" -> policy(keyword.text());
            case "spdflush" -> {
                advance();
                expectEnd("after 'spdflush'");
                yield new SpdFlush();
            }
            default -> throw error(keyword, "unknown statement " + describe(keyword) + ": expected " + STATEMENTS);
        };
    }

    private AddSa addSa() throws SetkeyException {
        advance();
        int family = addressFlags();
        SaAddress source = saAddress("source address", family);
        SaAddress destination = saAddress("destination address", family);
        requireSameFamily(destination.address, source.address, destination.offset, "destination", "source");
        SaProtocolWord protocol = saProtocol();
        Optional<InetAddress> natOriginalAddress = Optional.empty();
        if (protocol.udp && current.kind() == Kind.WORD && (current.text().contains(".")
                || current.text().contains(":"))) {
            Token oa = current;
            InetAddress address = address(oa.text(), oa.offset());
            requireSameFamily(address, source.address, oa.offset(), "NAT original address", "source");
            natOriginalAddress = Optional.of(address);
            advance();
        }
        long spi = spi();
        if (!protocol.udp) {
            for (SaAddress endpoint : List.of(source, destination)) {
                if (!endpoint.port.isAny()) {
                    throw error(endpoint.portOffset, "a port on an SA address is only used with esp-udp "
                            + "(ESP in UDP, RFC 3948)");
                }
            }
        }
        AddSa.Builder sa = AddSa.builder(source.address, destination.address, protocol.protocol, spi);
        if (protocol.udp) {
            sa.udpEncapsulation(new UdpEncapsulation(natTPort(source.port), natTPort(destination.port),
                    natOriginalAddress));
        }
        extensions(sa);
        algorithms(sa, protocol.protocol);
        return sa.build();
    }

    private static int natTPort(Port port) {
        return port.isAny() ? Port.NAT_T : port.number();
    }

    /** The options between the SPI and the algorithms; each at most once. */
    private void extensions(AddSa.Builder sa) throws SetkeyException {
        Set<String> seen = new HashSet<>();
        Lifetime hard = Lifetime.UNLIMITED;
        Lifetime soft = Lifetime.UNLIMITED;
        int softOffset = -1;
        while (current.isOption()) {
            Token option = current;
            String name = option.text();
            if (name.equals("-E") || name.equals("-A") || name.equals("-C")) {
                break;
            }
            if (!name.equals("-f") && !seen.add(name)) {
                throw error(option, "option " + name + " is given twice");
            }
            advance();
            switch (name) {
                case "-m" -> sa.mode(saMode(option));
                case "-r" -> sa.replayWindow(number(option, "replay window size", SetkeyStatement.MAX_U32));
                case "-u" -> sa.requestId(number(option, "request id", SetkeyStatement.MAX_U32));
                case "-f" -> padOption(option, sa, seen);
                case "-lh" -> hard = hard.withSeconds(number(option, "hard lifetime in seconds", Long.MAX_VALUE));
                case "-ls" -> {
                    softOffset = option.offset();
                    soft = soft.withSeconds(number(option, "soft lifetime in seconds", Long.MAX_VALUE));
                }
                case "-bh" -> hard = hard.withBytes(number(option, "hard lifetime in bytes", Long.MAX_VALUE));
                case "-bs" -> {
                    softOffset = option.offset();
                    soft = soft.withBytes(number(option, "soft lifetime in bytes", Long.MAX_VALUE));
                }
                case "-ctx" -> throw error(option, "security context labels (-ctx) are not supported");
                case "-R" -> throw error(option, "-R belongs to -C (IPComp), which ipsec4j does not support");
                case "-P" -> throw error(option, "-P belongs to spdadd; add takes " + ADD_OPTIONS);
                default -> {
                    if (name.matches("-[46n]+")) {
                        throw error(option, "address flags such as " + name + " go right after the statement "
                                + "keyword");
                    }
                    throw error(option, "unknown option " + describe(option) + " for add: expected "
                            + ADD_OPTIONS);
                }
            }
        }
        String lifetimeProblem = AddSa.lifetimeProblem(hard, soft);
        if (lifetimeProblem != null) {
            throw error(softOffset, lifetimeProblem);
        }
        sa.hardLifetime(hard).softLifetime(soft);
    }

    private SaMode saMode(Token option) throws SetkeyException {
        Token word = current;
        for (SaMode mode : SaMode.values()) {
            if (word.is(mode.setkeyName())) {
                advance();
                return mode;
            }
        }
        throw error(word, "expected a mode after " + option.text() + " (transport, tunnel or any), found "
                + describe(word));
    }

    /** {@code -f} twice is fine once for padding and once for {@code nocyclic-seq}. */
    private void padOption(Token option, AddSa.Builder sa, Set<String> seen) throws SetkeyException {
        Token word = current;
        if (word.is("nocyclic-seq")) {
            if (!seen.add("-f nocyclic-seq")) {
                throw error(option, "-f nocyclic-seq is given twice");
            }
            advance();
            sa.cyclicSequence(false);
            return;
        }
        for (Padding padding : Padding.values()) {
            if (padding.setkeyName() != null && word.is(padding.setkeyName())) {
                if (!seen.add("-f padding")) {
                    throw error(option, "option -f is given twice for the padding");
                }
                advance();
                sa.padding(padding);
                return;
            }
        }
        throw error(word, "expected zero-pad, random-pad, seq-pad or nocyclic-seq after " + option.text()
                + ", found " + describe(word));
    }

    private void algorithms(AddSa.Builder sa, SecurityProtocol protocol) throws SetkeyException {
        Optional<Encryption> encryption = Optional.empty();
        Optional<Authentication> authentication = Optional.empty();
        int encryptionOffset = -1;
        int authenticationOffset = -1;
        String after = null;
        if (current.is("-E")) {
            encryptionOffset = current.offset();
            advance();
            encryption = Optional.of(encryption());
            after = encryption.get().algorithm() == EncryptionAlgorithm.NULL ? "after 'null'" : "after the key";
        }
        if (current.is("-A")) {
            authenticationOffset = current.offset();
            advance();
            authentication = Optional.of(authentication());
            after = authentication.get().algorithm() == AuthenticationAlgorithm.NULL ? "after 'null'"
                    : "after the key";
        }
        if (current.is("-C")) {
            throw error(current, "IPComp (-C) is not supported by ipsec4j");
        }
        if (after == null) {
            throw error(current, "expected the algorithms (-E ALGORITHM KEY and/or -A ALGORITHM KEY), found "
                    + describe(current));
        }
        if (current.kind() != Kind.SEMICOLON) {
            String hint = current.is("-E") ? (encryption.isPresent() ? " (-E is given twice)" : " (-E comes before -A)")
                    : current.is("-A") ? " (-A is given twice)"
                    : current.isOption() ? " (options come before -E and -A)" : "";
            throw error(current, "expected ';' " + after + ", found " + describe(current) + hint);
        }
        Token end = current;
        AddSa.AlgorithmProblem problem = AddSa.algorithmProblem(protocol,
                encryption.map(Encryption::algorithm), authentication.map(Authentication::algorithm));
        if (problem != null) {
            int offset = problem.aboutAuthentication() ? authenticationOffset : encryptionOffset;
            if (offset < 0) {
                offset = problem.aboutAuthentication() ? encryptionOffset : authenticationOffset;
            }
            throw error(offset < 0 ? end.offset() : offset, problem.message());
        }
        encryption.ifPresent(e -> sa.encryption(e.algorithm(), e.key()));
        authentication.ifPresent(a -> sa.authentication(a.algorithm(), a.key()));
        advance();
    }

    private Encryption encryption() throws SetkeyException {
        Token name = current;
        if (name.kind() != Kind.WORD || name.isOption()) {
            throw error(name, "expected an encryption algorithm after -E, found " + describe(name));
        }
        EncryptionAlgorithm algorithm = AlgorithmNames.encryption(name.text());
        if (algorithm == null) {
            throw error(name, AlgorithmNames.encryptionProblem(name.text()));
        }
        advance();
        if (algorithm == EncryptionAlgorithm.NULL) {
            noKeyAfterNull("-E");
            return new Encryption(algorithm, KeyMaterial.empty());
        }
        Token keyToken = current;
        byte[] key = key(algorithm.setkeyName());
        try {
            if (!algorithm.acceptsKeyLength(key.length)) {
                String salt = algorithm.isAead() ? " (the cipher key and a 4-byte salt)" : "";
                throw error(keyToken, algorithm.setkeyName() + " takes a key of " + algorithm.describeKeyLengths()
                        + salt + ", found " + key.length + " bytes");
            }
            return new Encryption(algorithm, KeyMaterial.of(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private Authentication authentication() throws SetkeyException {
        Token name = current;
        if (name.kind() != Kind.WORD || name.isOption()) {
            throw error(name, "expected an authentication algorithm after -A, found " + describe(name));
        }
        AuthenticationAlgorithm algorithm = AlgorithmNames.authentication(name.text());
        if (algorithm == null) {
            throw error(name, AlgorithmNames.authenticationProblem(name.text()));
        }
        advance();
        if (algorithm == AuthenticationAlgorithm.NULL) {
            noKeyAfterNull("-A");
            return new Authentication(algorithm, KeyMaterial.empty());
        }
        Token keyToken = current;
        byte[] key = key(algorithm.setkeyName());
        try {
            if (key.length != algorithm.keyLength()) {
                throw error(keyToken, algorithm.setkeyName() + " takes a key of " + algorithm.keyLength()
                        + " bytes, found " + key.length + " bytes");
            }
            return new Authentication(algorithm, KeyMaterial.of(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** setkey's null algorithms take no key; an empty {@code ""} is tolerated, anything else refused. */
    private void noKeyAfterNull(String option) throws SetkeyException {
        if (current.kind() == Kind.QUOTED && current.text().isEmpty()) {
            advance();
        } else if (current.kind() == Kind.QUOTED || (current.kind() == Kind.WORD && startsWithHexPrefix(current.text()))) {
            throw error(current, option + " null takes no key");
        }
    }

    /** A key: {@code 0x} and an even number of hex digits, or a double-quoted string (its UTF-8 bytes). */
    private byte[] key(String algorithm) throws SetkeyException {
        Token token = current;
        if (token.kind() == Kind.QUOTED) {
            advance();
            return token.text().getBytes(StandardCharsets.UTF_8);
        }
        if (token.kind() != Kind.WORD || !startsWithHexPrefix(token.text())) {
            String found = token.kind() == Kind.WORD && !token.isOption() ? "a word (not shown: it may be a key)"
                    : describe(token);
            throw error(token, "expected a key after '" + algorithm + "' (0x and hex digits, or \"quoted "
                    + "text\"), found " + found);
        }
        String word = token.text();
        int digits = word.length() - 2;
        if (digits == 0) {
            throw error(token, "expected hex digits after 0x in the key");
        }
        byte[] key = new byte[(digits + 1) / 2];
        for (int i = 2; i < word.length(); i++) {
            int value = Character.digit(word.charAt(i), 16);
            if (value < 0 || word.charAt(i) >= 0x80) {
                Arrays.fill(key, (byte) 0);
                throw error(token.offset() + i, "the key has a character that is not a hex digit");
            }
            key[(i - 2) / 2] |= (byte) ((i - 2) % 2 == 0 ? value << 4 : value);
        }
        if (digits % 2 != 0) {
            Arrays.fill(key, (byte) 0);
            throw error(token, "the key has an odd number of hex digits (" + digits + "); write whole bytes");
        }
        advance();
        return key;
    }

    private static boolean startsWithHexPrefix(String word) {
        return word.length() >= 2 && word.charAt(0) == '0' && (word.charAt(1) == 'x' || word.charAt(1) == 'X');
    }

    private DeleteSa deleteSa() throws SetkeyException {
        advance();
        int family = addressFlags();
        SaAddress source = saAddress("source address", family);
        SaAddress destination = saAddress("destination address", family);
        requireSameFamily(destination.address, source.address, destination.offset, "destination", "source");
        SaProtocolWord protocol = saProtocol();
        if (!protocol.udp) {
            for (SaAddress endpoint : List.of(source, destination)) {
                if (!endpoint.port.isAny()) {
                    throw error(endpoint.portOffset, "a port on an SA address is only used with esp-udp");
                }
            }
        }
        long spi = spi();
        if (current.isOption()) {
            throw error(current, "delete takes no options: SAs are found by destination, protocol and SPI");
        }
        expectEnd("after the SPI");
        return new DeleteSa(source.address, destination.address, protocol.protocol, spi);
    }

    private DeleteAll deleteAll() throws SetkeyException {
        advance();
        int family = addressFlags();
        SaAddress source = saAddress("source address", family);
        SaAddress destination = saAddress("destination address", family);
        requireSameFamily(destination.address, source.address, destination.offset, "destination", "source");
        for (SaAddress endpoint : List.of(source, destination)) {
            if (!endpoint.port.isAny()) {
                throw error(endpoint.portOffset, "deleteall takes addresses without ports");
            }
        }
        SaProtocolWord protocol = saProtocol();
        expectEnd("after the protocol");
        return new DeleteAll(source.address, destination.address, protocol.protocol);
    }

    private Flush flush() throws SetkeyException {
        advance();
        if (current.kind() == Kind.SEMICOLON) {
            advance();
            return Flush.ALL;
        }
        if (!current.is("esp") && !current.is("ah") && !current.is("esp-udp")) {
            throw error(current, "expected ';' or a protocol (esp, ah or esp-udp) after 'flush', found "
                    + describe(current));
        }
        SaProtocolWord protocol = saProtocol();
        expectEnd("after 'flush " + protocol.word + "'");
        return new Flush(Optional.of(protocol.protocol));
    }

    // ---- policies ---------------------------------------------------------------------------------------

    private SetkeyStatement policy(String keyword) throws SetkeyException {
        advance();
        if (current.is("tagged")) {
            throw error(current, keyword + " tagged (policies on packet-filter tags) is not supported");
        }
        int family = addressFlags();
        Selector source = selector("source range", family);
        Selector destination = selector("destination range", family);
        requireSameFamily(destination.selector.address(), source.selector.address(), destination.offset,
                "destination range", "source range");
        UpperLayer upperLayer = upperLayer();
        for (Selector side : List.of(source, destination)) {
            if (side.selector.port().isAny()) {
                continue;
            }
            if (upperLayer instanceof UpperLayer.Icmp) {
                throw error(side.portOffset, "a port cannot be combined with an ICMP type and code (they take "
                        + "the ports' place)");
            }
            if (upperLayer instanceof UpperLayer.Protocol(int number) && !IpProtocolNames.hasPorts(number)) {
                throw error(side.portOffset, "protocol " + upperLayer + " has no ports; write [any] or no port");
            }
        }
        PolicySelector selector = new PolicySelector(source.selector, destination.selector, upperLayer);
        if (current.is("-ctx")) {
            throw error(current, "security context labels (-ctx) are not supported");
        }
        if (!current.is("-P")) {
            throw error(current, "expected -P and a direction after the upper-layer protocol, found "
                    + describe(current));
        }
        advance();
        PolicyDirection direction = direction();
        Optional<PolicyPriority> priority = priority();
        if (keyword.equals("spddelete")) {
            if (current.kind() != Kind.SEMICOLON) {
                policyAction(direction); // setkey reads it and the kernel ignores it; we check it and drop it
            }
            expectEnd("after the policy");
            return new SpdDelete(selector, direction);
        }
        PolicyAction action = policyAction(direction);
        expectEnd("after the policy");
        return keyword.equals("spdadd") ? new SpdAdd(selector, direction, priority, action)
                : new SpdUpdate(selector, direction, priority, action);
    }

    private PolicyDirection direction() throws SetkeyException {
        for (PolicyDirection direction : PolicyDirection.values()) {
            if (current.is(direction.setkeyName())) {
                advance();
                return direction;
            }
        }
        throw error(current, "expected a direction after -P (in, out or fwd), found " + describe(current));
    }

    /** {@code prio N}, {@code prio -N}, {@code prio low|def|high}, optionally followed by {@code + N} or {@code - N}. */
    private Optional<PolicyPriority> priority() throws SetkeyException {
        if (!current.is("prio") && !current.is("priority")) {
            return Optional.empty();
        }
        Token keyword = current;
        advance();
        PolicyPriority.Base base = null;
        for (PolicyPriority.Base candidate : PolicyPriority.Base.values()) {
            if (current.is(candidate.setkeyName())) {
                base = candidate;
            }
        }
        long offset;
        Token start = current;
        if (base != null) {
            advance();
            boolean signed = current.is("+") || current.is("-")
                    || (isSignedNumber(current) && !Character.isDigit(current.text().charAt(0)));
            offset = signed ? signedOffset() : 0;
        } else if (current.is("-") || isSignedNumber(current)) {
            base = PolicyPriority.Base.DEFAULT;
            offset = signedOffset();
        } else {
            throw error(current, "expected a priority after '" + keyword.text() + "' (a number, or low, def or "
                    + "high with an optional + or - offset), found " + describe(current));
        }
        long value = base.linuxValue() - offset;
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw error(start, "priority out of range: the kernel value " + value + " does not fit in 32 bits");
        }
        return Optional.of(new PolicyPriority(base, offset));
    }

    private static boolean isSignedNumber(Token token) {
        return token.kind() == Kind.WORD && token.text().matches("[+-]?[0-9]+");
    }

    /** "+ N", "- N", "+N", "-N" or "N"; positive moves the policy to the front. */
    private long signedOffset() throws SetkeyException {
        Token token = current;
        long sign = 1;
        String digits = token.text();
        int digitsOffset = token.offset();
        if (token.is("+") || token.is("-")) {
            sign = token.is("-") ? -1 : 1;
            advance();
            token = current;
            digits = token.text();
            digitsOffset = token.offset();
            if (token.kind() != Kind.WORD || !digits.matches("[0-9]+")) {
                throw error(token, "expected a number after the sign, found " + describe(token));
            }
        } else if (digits.startsWith("+") || digits.startsWith("-")) {
            sign = digits.startsWith("-") ? -1 : 1;
            digits = digits.substring(1);
            digitsOffset++;
        }
        long magnitude = parseDecimal(digits, digitsOffset, 0x1_0000_0000L, "priority offset");
        advance();
        return sign * magnitude;
    }

    private PolicyAction policyAction(PolicyDirection direction) throws SetkeyException {
        Token word = current;
        if (word.is("discard")) {
            advance();
            return PolicyAction.DISCARD;
        }
        if (word.is("none")) {
            advance();
            return PolicyAction.BYPASS;
        }
        if (word.is("entrust") || word.is("bypass")) {
            throw error(word, "'" + word.text() + "' concerns per-socket policies, which ipsec4j does not have: "
                    + "use none, discard or ipsec");
        }
        if (!word.is("ipsec")) {
            throw error(word, "expected the policy (discard, none or ipsec RULE...), found " + describe(word));
        }
        advance();
        List<IpsecRequest> requests = new ArrayList<>();
        while (current.kind() == Kind.WORD) {
            requests.add(ipsecRequest(current, direction));
            advance();
        }
        if (requests.isEmpty()) {
            throw error(current, "ipsec needs at least one rule such as esp/transport//require or "
                    + "esp/tunnel/SRC-DST/require, found " + describe(current));
        }
        return new PolicyAction.Protect(requests);
    }

    /** {@code protocol/mode[/[src-dst][/[level]]]}, one word. */
    private IpsecRequest ipsecRequest(Token token, PolicyDirection direction) throws SetkeyException {
        String word = token.text();
        int base = token.offset();
        String[] parts = word.split("/", -1);
        if (parts.length > 4) {
            int fourth = ordinalIndexOf(word, '/', 4);
            throw error(base + fourth, "too many '/' in the rule: protocol/mode/src-dst/level");
        }
        SecurityProtocol protocol = switch (parts[0]) {
            case "esp" -> SecurityProtocol.ESP;
            case "ah" -> SecurityProtocol.AH;
            case "ipcomp" -> throw error(base, "ipcomp rules are not supported by ipsec4j");
            default -> throw error(base, "expected a rule protocol/mode/src-dst/level starting with esp or ah, "
                    + "found " + describe(token));
        };
        if (parts.length == 1) {
            throw error(base + word.length(), "incomplete rule: write " + parts[0] + "/transport//require or "
                    + parts[0] + "/tunnel/SRC-DST/require (no spaces inside a rule)");
        }
        int modeOffset = base + parts[0].length() + 1;
        IpsecRequest.Mode mode = switch (parts[1]) {
            case "transport" -> IpsecRequest.Mode.TRANSPORT;
            case "tunnel" -> IpsecRequest.Mode.TUNNEL;
            default -> throw error(modeOffset, "expected transport or tunnel after '" + parts[0] + "/', found '"
                    + SetkeyLexer.printable(parts[1], 40) + "'");
        };
        int endpointsOffset = modeOffset + parts[1].length() + 1;
        Optional<Endpoint> tunnelSource = Optional.empty();
        Optional<Endpoint> tunnelDestination = Optional.empty();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            String endpoints = parts[2];
            if (endpoints.equals("me-any") || endpoints.equals("any-me")) {
                throw error(endpointsOffset, "'" + endpoints + "' is not supported: write both addresses");
            }
            int dash = endpoints.indexOf('-');
            if (dash < 0) {
                throw error(endpointsOffset, "expected the endpoints as SRC-DST, found '"
                        + SetkeyLexer.printable(endpoints, 40) + "'");
            }
            Endpoint source = endpoint(endpoints.substring(0, dash), endpointsOffset);
            Endpoint destination = endpoint(endpoints.substring(dash + 1), endpointsOffset + dash + 1);
            requireSameFamily(destination.address(), source.address(), endpointsOffset + dash + 1,
                    "tunnel destination", "tunnel source");
            tunnelSource = Optional.of(source);
            tunnelDestination = Optional.of(destination);
        }
        if (mode == IpsecRequest.Mode.TUNNEL && tunnelSource.isEmpty()) {
            throw error(base, parts[0] + "/tunnel needs the tunnel's endpoints: " + parts[0]
                    + "/tunnel/SRC-DST/require");
        }
        IpsecRequest.Level level = IpsecRequest.Level.DEFAULT;
        int uniqueId = 0;
        if (parts.length > 3 && !parts[3].isEmpty()) {
            int levelOffset = endpointsOffset + parts[2].length() + 1;
            String levelText = parts[3];
            if (levelText.startsWith("unique:")) {
                level = IpsecRequest.Level.UNIQUE;
                uniqueId = (int) parseDecimal(levelText.substring(7), levelOffset + 7, IpsecRequest.MAX_UNIQUE_ID,
                        "unique id");
                if (uniqueId == 0) {
                    throw error(levelOffset + 7, "unique id must be 1 to " + IpsecRequest.MAX_UNIQUE_ID);
                }
            } else {
                level = Stream.of(IpsecRequest.Level.values()).filter(l -> l.setkeyName().equals(levelText))
                        .findFirst().orElse(null);
                if (level == null) {
                    throw error(levelOffset, "expected a level (default, use, require, unique or unique:N), found '"
                            + SetkeyLexer.printable(levelText, 40) + "'");
                }
            }
        }
        return new IpsecRequest(protocol, mode, tunnelSource, tunnelDestination, level, uniqueId);
    }

    private static int ordinalIndexOf(String text, char c, int n) {
        int index = -1;
        for (int i = 0; i < n; i++) {
            index = text.indexOf(c, index + 1);
        }
        return index;
    }

    /** A tunnel endpoint, {@code address} or {@code address[port]}. */
    private Endpoint endpoint(String word, int offset) throws SetkeyException {
        int bracket = word.indexOf('[');
        String addressText = bracket < 0 ? word : word.substring(0, bracket);
        if (addressText.isEmpty()) {
            throw error(offset, "expected an address in the rule's SRC-DST");
        }
        InetAddress address = address(addressText, offset);
        Port port = bracket < 0 ? Port.ANY : portSuffix(word, bracket, offset, false);
        return new Endpoint(address, port);
    }

    private Selector selector(String role, int family) throws SetkeyException {
        Token token = current;
        if (token.kind() != Kind.WORD || token.isOption()) {
            throw error(token, "expected the " + role + " (address[/prefixlen][[port]]), found " + describe(token));
        }
        String word = token.text();
        int base = token.offset();
        if (word.startsWith("[")) {
            throw error(token, "a port must follow its address without a space, as in 192.0.2.1[500]");
        }
        if (word.equals("any")) {
            throw error(token, "'any' is not an address: write 0.0.0.0/0 or ::/0");
        }
        int bracket = word.indexOf('[');
        int slash = word.indexOf('/');
        int addressEnd = word.length();
        if (slash >= 0) {
            addressEnd = slash;
        }
        if (bracket >= 0 && bracket < addressEnd) {
            addressEnd = bracket;
        }
        String addressText = word.substring(0, addressEnd);
        int dash = addressText.indexOf('-');
        if (dash > 0 && parsesAsAddress(addressText.substring(0, dash))) {
            throw error(base + dash, "setkey has no address ranges (a-b): write address/prefixlen");
        }
        InetAddress address = address(addressText, base);
        checkFamily(address, family, base);
        int bits = Addresses.bits(address);
        int prefixLength = bits;
        if (slash >= 0 && slash == addressEnd) {
            int end = bracket > slash ? bracket : word.length();
            String digits = word.substring(slash + 1, end);
            if (digits.isEmpty()) {
                throw error(base + slash + 1, "expected a prefix length after '/'");
            }
            prefixLength = (int) parseDecimal(digits, base + slash + 1, Integer.MAX_VALUE, "prefix length");
            if (prefixLength > bits) {
                throw error(base + slash + 1, "prefix length " + prefixLength + " is longer than " + bits
                        + " for an " + Addresses.family(address) + " address");
            }
        }
        Port port = Port.ANY;
        int portOffset = -1;
        if (bracket >= 0) {
            portOffset = base + bracket;
            port = portSuffix(word, bracket, base, true);
        }
        advance();
        return new Selector(new AddressSelector(address, prefixLength, port), base, portOffset);
    }

    private static boolean parsesAsAddress(String text) {
        try {
            Addresses.parse(text);
            return true;
        } catch (Addresses.SyntaxError notAnAddress) {
            return false;
        }
    }

    private UpperLayer upperLayer() throws SetkeyException {
        Token token = current;
        if (token.kind() != Kind.WORD || token.isOption()) {
            throw error(token, "expected the upper-layer protocol (any, tcp, udp, icmp, icmp6, another name or a "
                    + "number), found " + describe(token));
        }
        String word = token.text();
        int number;
        if (word.equals("any")) {
            advance();
            return UpperLayer.ANY;
        } else if (word.chars().allMatch(c -> c >= '0' && c <= '9')) {
            number = (int) parseDecimal(word, token.offset(), 255, "protocol number");
            if (number == 255) {
                throw error(token, "protocol 255 is what setkey uses for 'any': write any");
            }
        } else {
            Optional<Integer> named = IpProtocolNames.numberOf(word.toLowerCase(java.util.Locale.ROOT));
            if (named.isEmpty()) {
                throw error(token, "unknown upper-layer protocol " + describe(token) + ": write its number "
                        + "(0-254) or one of any, " + IpProtocolNames.knownNames());
            }
            number = named.get();
        }
        advance();
        Token next = current;
        boolean numbers = next.kind() == Kind.WORD && next.text().matches("[0-9,]+");
        if (number == UpperLayer.ICMP || number == UpperLayer.ICMPV6) {
            if (numbers) {
                return icmpTypeAndCode(number, next);
            }
        } else if (numbers || (number == 47 && next.kind() == Kind.WORD && !next.isOption())) {
            throw error(next, number == 47 ? "GRE keys are not supported"
                    : "only icmp and icmp6 take a type and code after the protocol");
        }
        return new UpperLayer.Protocol(number);
    }

    private UpperLayer icmpTypeAndCode(int protocol, Token token) throws SetkeyException {
        String word = token.text();
        int comma = word.indexOf(',');
        if (comma < 0) {
            throw error(token, "an ICMP type needs its code too, as TYPE,CODE: e.g. '" + SetkeyLexer.printable(word, 6)
                    + ",0'");
        }
        if (word.indexOf(',', comma + 1) >= 0) {
            throw error(token.offset() + word.indexOf(',', comma + 1), "expected TYPE,CODE with a single comma");
        }
        if (comma == 0) {
            throw error(token, "expected an ICMP type before ','");
        }
        if (comma == word.length() - 1) {
            throw error(token.offset() + comma + 1, "expected an ICMP code after ','");
        }
        int type = (int) parseDecimal(word.substring(0, comma), token.offset(), 255, "ICMP type");
        int code = (int) parseDecimal(word.substring(comma + 1), token.offset() + comma + 1, 255, "ICMP code");
        advance();
        return new UpperLayer.Icmp(protocol, type, code);
    }

    // ---- shared pieces ----------------------------------------------------------------------------------

    /** Zero or more {@code -4}, {@code -6}, {@code -n} flags; returns 32 for -4, 128 for -6, 0 for neither. */
    private int addressFlags() throws SetkeyException {
        int family = 0;
        while (current.kind() == Kind.WORD && current.text().matches("-[46n]+")) {
            for (char flag : current.text().substring(1).toCharArray()) {
                int wanted = flag == '4' ? 32 : flag == '6' ? 128 : 0;
                if (wanted != 0 && family != 0 && wanted != family) {
                    throw error(current, "-4 and -6 contradict each other");
                }
                if (wanted != 0) {
                    family = wanted;
                }
            }
            advance(); // -n (numeric only) is what ipsec4j always does
        }
        return family;
    }

    private void checkFamily(InetAddress address, int family, int offset) throws SetkeyException {
        if (family != 0 && Addresses.bits(address) != family) {
            throw error(offset, Addresses.format(address) + " is an " + Addresses.family(address) + " address but "
                    + (family == 32 ? "-4" : "-6") + " was given");
        }
    }

    private void requireSameFamily(InetAddress address, InetAddress other, int offset, String role,
            String otherRole) throws SetkeyException {
        if (Addresses.bits(address) != Addresses.bits(other)) {
            throw error(offset, "the " + role + " " + Addresses.format(address) + " is " + Addresses.family(address)
                    + " but the " + otherRole + " " + Addresses.format(other) + " is " + Addresses.family(other));
        }
    }

    private SaAddress saAddress(String role, int family) throws SetkeyException {
        Token token = current;
        if (token.kind() != Kind.WORD || token.isOption()) {
            throw error(token, "expected the " + role + ", found " + describe(token));
        }
        String word = token.text();
        if (word.startsWith("[")) {
            throw error(token, "a port must follow its address without a space, as in 192.0.2.1[4500]");
        }
        int bracket = word.indexOf('[');
        String addressText = bracket < 0 ? word : word.substring(0, bracket);
        int slash = addressText.indexOf('/');
        if (slash >= 0) {
            throw error(token.offset() + slash, "an SA address takes no prefix length");
        }
        InetAddress address = address(addressText, token.offset());
        checkFamily(address, family, token.offset());
        Port port = Port.ANY;
        int portOffset = -1;
        if (bracket >= 0) {
            port = portSuffix(word, bracket, token.offset(), true);
            portOffset = token.offset() + bracket;
        }
        advance();
        return new SaAddress(address, port, token.offset(), portOffset);
    }

    private InetAddress address(String addressText, int offset) throws SetkeyException {
        try {
            return Addresses.parse(addressText);
        } catch (Addresses.SyntaxError e) {
            throw error(offset + e.index, e.getMessage());
        }
    }

    /** {@code [digits]}, or {@code [any]} if allowed, ending the word. */
    private Port portSuffix(String word, int bracket, int base, boolean allowAny) throws SetkeyException {
        int close = word.indexOf(']', bracket);
        if (close < 0) {
            throw error(base + bracket, "'[' without a closing ']'");
        }
        if (close != word.length() - 1) {
            throw error(base + close + 1, "unexpected " + SetkeyLexer.quoteChar(word, close + 1) + " after the port");
        }
        String port = word.substring(bracket + 1, close);
        if (port.equals("any") && allowAny) {
            return Port.ANY;
        }
        String expected = allowAny ? "a port number (0-65535) or 'any'" : "a port number (0-65535)";
        if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(base + bracket + 1, "expected " + expected + " inside [ ], found '"
                    + SetkeyLexer.printable(port, 20) + "' (service names are not looked up)");
        }
        return Port.of((int) parseDecimal(port, base + bracket + 1, 65535, "port"));
    }

    private long spi() throws SetkeyException {
        Token token = current;
        String word = token.text();
        if (token.kind() != Kind.WORD || word.isEmpty()) {
            throw error(token, "expected the SPI (a decimal number or 0x and hex), found " + describe(token));
        }
        long spi;
        if (startsWithHexPrefix(word)) {
            if (word.length() == 2) {
                throw error(token, "expected hex digits after 0x in the SPI");
            }
            spi = 0;
            for (int i = 2; i < word.length(); i++) {
                int digit = Character.digit(word.charAt(i), 16);
                if (digit < 0 || word.charAt(i) >= 0x80) {
                    throw error(token.offset() + i, "unexpected " + SetkeyLexer.quoteChar(word, i)
                            + " in the hex SPI");
                }
                spi = spi << 4 | digit;
                if (spi > SetkeyStatement.MAX_SPI) {
                    throw error(token, "the SPI does not fit in 32 bits");
                }
            }
        } else if (word.chars().allMatch(c -> c >= '0' && c <= '9')) {
            spi = parseDecimal(word, token.offset(), SetkeyStatement.MAX_SPI, "SPI");
        } else {
            throw error(token, "expected the SPI (a decimal number or 0x and hex), found " + describe(token));
        }
        if (spi < SetkeyStatement.MIN_SPI) {
            throw error(token, "SPI " + spi + " is reserved (0 to 255); use 256 or more");
        }
        advance();
        return spi;
    }

    private SaProtocolWord saProtocol() throws SetkeyException {
        Token token = current;
        SaProtocolWord protocol = switch (token.kind() == Kind.WORD ? token.text() : "") {
            case "esp" -> new SaProtocolWord(SecurityProtocol.ESP, false, "esp");
            case "ah" -> new SaProtocolWord(SecurityProtocol.AH, false, "ah");
            case "esp-udp" -> new SaProtocolWord(SecurityProtocol.ESP, true, "esp-udp");
            case "esp-old", "ah-old" -> throw error(token, token.text() + " (the pre-RFC 2406 formats) is not "
                    + "supported: use esp or ah");
            case "ipcomp" -> throw error(token, "IPComp is not supported by ipsec4j");
            case "tcp" -> throw error(token, "TCP-MD5 signatures (tcp) are not IPsec; not supported");
            default -> throw error(token, token.text().startsWith("[")
                    ? "a port must follow its address without a space, as in 192.0.2.1[4500]"
                    : "expected the protocol (esp, ah or esp-udp), found " + describe(token));
        };
        advance();
        return protocol;
    }

    /** A decimal option argument: the word after {@code option}, 0..max. */
    private long number(Token option, String what, long max) throws SetkeyException {
        Token token = current;
        if (token.kind() != Kind.WORD || token.text().isEmpty()
                || !token.text().chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(token, "expected the " + what + " after " + option.text() + " (a decimal number), found "
                    + describe(token));
        }
        long value = parseDecimal(token.text(), token.offset(), max, what);
        advance();
        return value;
    }

    private long parseDecimal(String digits, int offset, long max, String what) throws SetkeyException {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw error(offset + i, "expected a decimal " + what + ", found " + SetkeyLexer.quoteChar(digits, i));
            }
            if (value > (max - (c - '0')) / 10) {
                throw error(offset, what + " " + SetkeyLexer.printable(digits, 24) + " is larger than " + max);
            }
            value = value * 10 + (c - '0');
        }
        if (digits.isEmpty()) {
            throw error(offset, "expected a decimal " + what);
        }
        return value;
    }

    private void expectEnd(String after) throws SetkeyException {
        if (current.kind() != Kind.SEMICOLON) {
            throw error(current, "expected ';' " + after + ", found " + describe(current));
        }
        advance();
    }

    private void advance() throws SetkeyException {
        try {
            current = lexer.next();
        } catch (SetkeyLexer.LexicalError e) {
            throw error(e.offset, e.getMessage());
        }
    }

    private static String describe(Token token) {
        return SetkeyLexer.describe(token);
    }

    private SetkeyException error(Token token, String problem) {
        return error(token.offset(), problem);
    }

    private SetkeyException error(int offset, String problem) {
        return new SetkeyException(fileName, SourcePosition.of(text, offset), problem);
    }

    private record SaAddress(InetAddress address, Port port, int offset, int portOffset) {}

    private record SaProtocolWord(SecurityProtocol protocol, boolean udp, String word) {}

    private record Selector(AddressSelector selector, int offset, int portOffset) {}

    /** setkey's algorithm names, its aliases, and helpful refusals for names it or other tools use. */
    static final class AlgorithmNames {

        private static final Map<String, EncryptionAlgorithm> ENCRYPTION = new HashMap<>();
        private static final Map<String, AuthenticationAlgorithm> AUTHENTICATION = new HashMap<>();
        private static final Map<String, String> SUGGESTIONS = new HashMap<>();

        static {
            for (EncryptionAlgorithm algorithm : EncryptionAlgorithm.values()) {
                ENCRYPTION.put(algorithm.setkeyName(), algorithm);
            }
            ENCRYPTION.put("rijndael-cbc", EncryptionAlgorithm.AES_CBC);
            for (AuthenticationAlgorithm algorithm : AuthenticationAlgorithm.values()) {
                AUTHENTICATION.put(algorithm.setkeyName(), algorithm);
            }
            AUTHENTICATION.put("hmac-sha2-256", AuthenticationAlgorithm.HMAC_SHA2_256);
            AUTHENTICATION.put("hmac-sha2-384", AuthenticationAlgorithm.HMAC_SHA2_384);
            AUTHENTICATION.put("hmac-sha2-512", AuthenticationAlgorithm.HMAC_SHA2_512);
            // Names from ip-xfrm, strongSwan and Linux's crypto API, folded to letters and digits.
            suggest("aes-gcm-16", "aesgcm", "aesgcm16", "aesgcm128", "aesgcm256", "rfc4106gcmaes", "aes128gcm16",
                    "aes256gcm16", "aes192gcm16", "gcmaes");
            suggest("chacha20-poly1305", "chacha20poly1305", "rfc7539espchacha20poly1305", "chachapoly");
            suggest("aes-cbc", "aes", "aes128", "aes192", "aes256", "aescbc128", "aescbc256", "cbcaes");
            suggest("3des-cbc", "3des", "des3ede", "cbcdes3ede", "tripledes", "des3");
            suggest("hmac-sha256", "sha256", "sha2256", "hmacsha2256", "sha256128", "hmacsha256128");
            suggest("hmac-sha384", "sha384", "sha2384", "hmacsha2384");
            suggest("hmac-sha512", "sha512", "sha2512", "hmacsha2512");
            suggest("hmac-sha1", "sha1", "hmacsha196", "sha196");
            suggest("hmac-md5", "md5", "hmacmd596");
        }

        private AlgorithmNames() {}

        private static void suggest(String name, String... folded) {
            for (String alias : folded) {
                SUGGESTIONS.put(alias, name);
            }
        }

        static EncryptionAlgorithm encryption(String name) {
            return ENCRYPTION.get(name);
        }

        static AuthenticationAlgorithm authentication(String name) {
            return AUTHENTICATION.get(name);
        }

        static String encryptionProblem(String name) {
            String shown = "'" + SetkeyLexer.printable(name, 40) + "'";
            switch (name) {
                case "aes-ctr":
                    return "aes-ctr is not supported by ipsec4j: use aes-gcm-16 (or aes-cbc with an -A algorithm)";
                case "aes-gcm-8", "aes-gcm-12":
                    return name + " (a short ICV) is not supported: use aes-gcm-16";
                case "aes-gmac":
                    return "aes-gmac (integrity only) is not supported: use -E null with an -A algorithm";
                case "blowfish-cbc", "cast128-cbc", "twofish-cbc", "camellia-cbc", "des-deriv", "3des-deriv",
                     "des-32iv", "simple":
                    return name + " is known to setkey but not supported by ipsec4j: use one of "
                            + names(EncryptionAlgorithm.values());
                default:
                    break;
            }
            if (AUTHENTICATION.containsKey(name)) {
                return shown + " is an authentication algorithm: it belongs after -A";
            }
            if (ENCRYPTION.containsKey(name.toLowerCase(java.util.Locale.ROOT))) {
                return "algorithm names are lower case: write '" + name.toLowerCase(java.util.Locale.ROOT) + "'";
            }
            String suggestion = SUGGESTIONS.get(fold(name));
            if (suggestion != null && ENCRYPTION.containsKey(suggestion)) {
                return "unknown encryption algorithm " + shown + ": setkey calls it '" + suggestion + "'";
            }
            return "unknown encryption algorithm " + shown + ": expected one of " + names(EncryptionAlgorithm.values())
                    + " (or rijndael-cbc)";
        }

        static String authenticationProblem(String name) {
            String shown = "'" + SetkeyLexer.printable(name, 40) + "'";
            switch (name) {
                case "keyed-md5", "keyed-sha1", "hmac-ripemd160", "aes-xcbc-mac", "tcp-md5":
                    return name + " is known to setkey but not supported by ipsec4j: use one of "
                            + names(AuthenticationAlgorithm.values());
                default:
                    break;
            }
            if (ENCRYPTION.containsKey(name)) {
                return shown + " is an encryption algorithm: it belongs after -E";
            }
            if (AUTHENTICATION.containsKey(name.toLowerCase(java.util.Locale.ROOT))) {
                return "algorithm names are lower case: write '" + name.toLowerCase(java.util.Locale.ROOT) + "'";
            }
            String suggestion = SUGGESTIONS.get(fold(name));
            if (suggestion != null && AUTHENTICATION.containsKey(suggestion)) {
                return "unknown authentication algorithm " + shown + ": setkey calls it '" + suggestion + "'";
            }
            return "unknown authentication algorithm " + shown + ": expected one of "
                    + names(AuthenticationAlgorithm.values());
        }

        private static String fold(String name) {
            StringBuilder folded = new StringBuilder();
            for (char c : name.toCharArray()) {
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                    folded.append(c);
                } else if (c >= 'A' && c <= 'Z') {
                    folded.append((char) (c + 32));
                }
            }
            return folded.toString();
        }

        private static String names(Enum<?>[] values) {
            return Stream.of(values).map(value -> value instanceof EncryptionAlgorithm e ? e.setkeyName()
                    : ((AuthenticationAlgorithm) value).setkeyName()).collect(Collectors.joining(", "));
        }
    }
}
