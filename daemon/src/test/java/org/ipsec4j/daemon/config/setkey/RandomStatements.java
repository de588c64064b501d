package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;

/**
 * Valid statements of every kind with every option, and ways of writing them as setkey text (random
 * whitespace and comments between words, quoted keys, address flags), for the round-trip properties and the
 * fuzz seeds.
 */
final class RandomStatements {

    private final Random random;

    RandomStatements(Random random) {
        this.random = random;
    }

    List<SetkeyStatement> statements(int count) {
        List<SetkeyStatement> statements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statements.add(statement());
        }
        return statements;
    }

    SetkeyStatement statement() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> addSa();
            case 3 -> {
                InetAddress[] pair = pair();
                yield new DeleteSa(pair[0], pair[1], protocol(), spi());
            }
            case 4 -> {
                InetAddress[] pair = pair();
                yield new DeleteAll(pair[0], pair[1], protocol());
            }
            case 5 -> random.nextBoolean() ? Flush.ALL : new Flush(Optional.of(protocol()));
            case 6 -> new SpdAdd(selector(), direction(), priority(), action());
            case 7 -> new SpdUpdate(selector(), direction(), priority(), action());
            case 8 -> new SpdDelete(selector(), direction());
            default -> new SpdFlush();
        };
    }

    AddSa addSa() {
        InetAddress[] pair = pair();
        SecurityProtocol protocol = protocol();
        AddSa.Builder sa = AddSa.builder(pair[0], pair[1], protocol, spi());
        if (protocol == SecurityProtocol.ESP && random.nextInt(3) == 0) {
            Optional<InetAddress> originalAddress = random.nextInt(4) == 0
                    ? Optional.of(address(pair[0].getAddress().length)) : Optional.empty();
            sa.udpEncapsulation(new UdpEncapsulation(1 + random.nextInt(65535), 1 + random.nextInt(65535),
                    originalAddress));
        }
        if (random.nextBoolean()) {
            sa.mode(pick(SaMode.values()));
        }
        if (random.nextBoolean()) {
            sa.replayWindow(u32());
        }
        if (random.nextInt(4) == 0) {
            sa.requestId(u32());
        }
        if (random.nextInt(4) == 0) {
            sa.padding(pick(Padding.values()));
        }
        sa.cyclicSequence(random.nextInt(5) != 0);
        Lifetime hard = new Lifetime(lifetime(), lifetime());
        Lifetime soft = new Lifetime(hard.seconds() == 0 ? lifetime() : (long) (random.nextDouble() * hard.seconds()),
                hard.bytes() == 0 ? lifetime() : (long) (random.nextDouble() * hard.bytes()));
        sa.hardLifetime(hard).softLifetime(soft);
        while (true) {
            Optional<EncryptionAlgorithm> cipher = protocol == SecurityProtocol.AH || random.nextInt(8) == 0
                    ? Optional.empty() : Optional.of(pick(EncryptionAlgorithm.values()));
            Optional<AuthenticationAlgorithm> integrity = random.nextInt(3) == 0 ? Optional.empty()
                    : Optional.of(pick(AuthenticationAlgorithm.values()));
            if (AddSa.algorithmProblem(protocol, cipher, integrity) != null) {
                continue;
            }
            cipher.ifPresent(algorithm -> {
                int[] lengths = algorithm.keyLengths();
                sa.encryption(algorithm, key(lengths[random.nextInt(lengths.length)]));
            });
            integrity.ifPresent(algorithm -> sa.authentication(algorithm, key(algorithm.keyLength())));
            return sa.build();
        }
    }

    /** Random bytes, or (a third of the time) printable ASCII so that it can be written as a quoted key. */
    KeyMaterial key(int length) {
        byte[] bytes = new byte[length];
        if (random.nextInt(3) == 0) {
            for (int i = 0; i < length; i++) {
                char c;
                do {
                    c = (char) (0x20 + random.nextInt(0x5F));
                } while (c == '"');
                bytes[i] = (byte) c;
            }
        } else {
            random.nextBytes(bytes);
        }
        return KeyMaterial.of(bytes);
    }

    private PolicySelector selector() {
        InetAddress[] pair = pair();
        UpperLayer upper = switch (random.nextInt(5)) {
            case 0 -> UpperLayer.ANY;
            case 1 -> new UpperLayer.Protocol(pick(new int[] {1, 6, 17, 47, 50, 58, 132}));
            case 2 -> new UpperLayer.Protocol(random.nextInt(255));
            default -> new UpperLayer.Icmp(random.nextBoolean() ? UpperLayer.ICMP : UpperLayer.ICMPV6,
                    random.nextInt(256), random.nextInt(256));
        };
        boolean ports = switch (upper) {
            case UpperLayer.AnyProtocol any -> true;
            case UpperLayer.Protocol(int number) -> IpProtocolNames.hasPorts(number);
            case UpperLayer.Icmp icmp -> false;
        };
        return new PolicySelector(addressSelector(pair[0], ports), addressSelector(pair[1], ports), upper);
    }

    private AddressSelector addressSelector(InetAddress address, boolean ports) {
        int bits = Addresses.bits(address);
        int prefix = random.nextBoolean() ? bits : random.nextInt(bits + 1);
        Port port = ports && random.nextBoolean() ? Port.of(random.nextInt(65536)) : Port.ANY;
        return new AddressSelector(address, prefix, port);
    }

    private Optional<PolicyPriority> priority() {
        if (random.nextBoolean()) {
            return Optional.empty();
        }
        PolicyPriority.Base base = pick(PolicyPriority.Base.values());
        long offset = random.nextInt(3) == 0 ? 0 : (long) random.nextInt(0x4000_0000) - 0x2000_0000;
        return Optional.of(new PolicyPriority(base, offset));
    }

    private PolicyAction action() {
        return switch (random.nextInt(4)) {
            case 0 -> PolicyAction.DISCARD;
            case 1 -> PolicyAction.BYPASS;
            default -> {
                List<IpsecRequest> requests = new ArrayList<>();
                int count = 1 + random.nextInt(3);
                for (int i = 0; i < count; i++) {
                    requests.add(request());
                }
                yield new PolicyAction.Protect(requests);
            }
        };
    }

    private IpsecRequest request() {
        SecurityProtocol protocol = protocol();
        IpsecRequest.Mode mode = pick(IpsecRequest.Mode.values());
        Optional<Endpoint> source = Optional.empty();
        Optional<Endpoint> destination = Optional.empty();
        if (mode == IpsecRequest.Mode.TUNNEL || random.nextInt(4) == 0) {
            InetAddress[] pair = pair();
            source = Optional.of(endpoint(pair[0]));
            destination = Optional.of(endpoint(pair[1]));
        }
        IpsecRequest.Level level = pick(IpsecRequest.Level.values());
        int uniqueId = level == IpsecRequest.Level.UNIQUE && random.nextBoolean()
                ? 1 + random.nextInt(IpsecRequest.MAX_UNIQUE_ID) : 0;
        return new IpsecRequest(protocol, mode, source, destination, level, uniqueId);
    }

    private Endpoint endpoint(InetAddress address) {
        return new Endpoint(address, random.nextInt(3) == 0 ? Port.of(random.nextInt(65536)) : Port.ANY);
    }

    private InetAddress[] pair() {
        int bytes = random.nextBoolean() ? 4 : 16;
        return new InetAddress[] {address(bytes), address(bytes)};
    }

    InetAddress address(int length) {
        byte[] bytes = new byte[length];
        if (length == 16) {
            do {
                for (int g = 0; g < 8; g++) {
                    int group = switch (random.nextInt(4)) {
                        case 0, 1 -> 0;
                        case 2 -> random.nextInt(16);
                        default -> random.nextInt(65536);
                    };
                    bytes[2 * g] = (byte) (group >> 8);
                    bytes[2 * g + 1] = (byte) group;
                }
            } while (isIpv4Mapped(bytes));
        } else {
            random.nextBytes(bytes);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private SecurityProtocol protocol() {
        return pick(SecurityProtocol.values());
    }

    private PolicyDirection direction() {
        return pick(PolicyDirection.values());
    }

    private long spi() {
        return random.nextBoolean() ? SetkeyStatement.MIN_SPI + random.nextInt(4096)
                : SetkeyStatement.MIN_SPI + (random.nextLong() & 0xFFFF_FFFFL) % (SetkeyStatement.MAX_SPI - 255);
    }

    private long u32() {
        return random.nextBoolean() ? random.nextInt(65536) : random.nextLong() & 0xFFFF_FFFFL;
    }

    private long lifetime() {
        return switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> random.nextInt(100_000);
            default -> random.nextLong() & Long.MAX_VALUE;
        };
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    // ---- writing ----------------------------------------------------------------------------------------

    private static final String[] SEPARATORS = {" ", " ", " ", "\t", "\n", "  \n\t ", "\r\n", " # note; -E \"x\n",
        "\n# whole-line comment\n"};

    /** The statements as setkey text, laid out at random but meaning the same. */
    String write(List<SetkeyStatement> statements) {
        StringBuilder text = new StringBuilder();
        if (random.nextBoolean()) {
            text.append("#!/usr/sbin/setkey -f\n");
        }
        for (SetkeyStatement statement : statements) {
            List<String> tokens = new ArrayList<>(SetkeyWriter.tokens(statement, SetkeyWriter.Keys.REVEAL));
            quoteSomeKeys(tokens);
            addAddressFlags(statement, tokens);
            for (int i = 0; i < tokens.size(); i++) {
                if (i > 0) {
                    text.append(pick(SEPARATORS));
                }
                text.append(tokens.get(i));
            }
            text.append(random.nextBoolean() ? ";" : pick(SEPARATORS) + ";");
            text.append(random.nextInt(3) == 0 ? "" : pick(SEPARATORS));
        }
        return text.toString();
    }

    /** Keys follow "-E name" or "-A name"; printable ones may be written as "quoted" text. */
    private void quoteSomeKeys(List<String> tokens) {
        for (int i = 2; i < tokens.size(); i++) {
            String option = tokens.get(i - 2);
            String token = tokens.get(i);
            if ((option.equals("-E") || option.equals("-A")) && token.startsWith("0x") && random.nextBoolean()) {
                byte[] bytes = java.util.HexFormat.of().parseHex(token.substring(2));
                String ascii = new String(bytes, StandardCharsets.ISO_8859_1);
                if (ascii.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"')) {
                    tokens.set(i, "\"" + ascii + "\"");
                }
            } else if ((option.equals("-E") || option.equals("-A")) && token.startsWith("0x") && random.nextBoolean()) {
                tokens.set(i, "0X" + token.substring(2).toUpperCase());
            }
        }
    }

    private void addAddressFlags(SetkeyStatement statement, List<String> tokens) {
        InetAddress address = switch (statement) {
            case AddSa sa -> sa.source();
            case DeleteSa delete -> delete.source();
            case DeleteAll deleteAll -> deleteAll.source();
            case SpdAdd add -> add.selector().source().address();
            case SpdUpdate update -> update.selector().source().address();
            case SpdDelete delete -> delete.selector().source().address();
            default -> null;
        };
        if (address == null || random.nextInt(3) != 0) {
            return;
        }
        String family = Addresses.bits(address) == 32 ? "4" : "6";
        tokens.add(1, pick(new String[] {"-n", "-" + family, "-n" + family, "-" + family + "n"}));
    }
}
