package org.ipsec4j.daemon.config.setkey;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;

/**
 * Writes statements back as setkey text in one canonical form (hex SPIs and keys, every prefix length, RFC 5952
 * IPv6), which {@link SetkeyParser} reads back to equal statements. Keys are written only when asked to.
 */
public final class SetkeyWriter {

    /** Whether keys are written out ({@link #REVEAL}) or replaced by their length ({@link #REDACT}). */
    public enum Keys { REVEAL, REDACT }

    private SetkeyWriter() {}

    /** One statement, tokens separated by single spaces, ending in ';'. */
    public static String render(SetkeyStatement statement, Keys keys) {
        return String.join(" ", tokens(statement, keys)) + ";";
    }

    /** One statement per line. */
    public static String render(List<SetkeyStatement> statements, Keys keys) {
        StringBuilder text = new StringBuilder();
        statements.forEach(statement -> text.append(render(statement, keys)).append('\n'));
        return text.toString();
    }

    /** The words of a statement without the final ';' (a quoted key counts as one word). */
    public static List<String> tokens(SetkeyStatement statement, Keys keys) {
        List<String> out = new ArrayList<>();
        out.add(statement.keyword());
        switch (statement) {
            case AddSa sa -> addSa(sa, keys, out);
            case DeleteSa delete -> {
                out.add(Addresses.format(delete.source()));
                out.add(Addresses.format(delete.destination()));
                out.add(delete.protocol().setkeyName());
                out.add(spi(delete.spi()));
            }
            case DeleteAll deleteAll -> {
                out.add(Addresses.format(deleteAll.source()));
                out.add(Addresses.format(deleteAll.destination()));
                out.add(deleteAll.protocol().setkeyName());
            }
            case Flush flush -> flush.protocol().ifPresent(protocol -> out.add(protocol.setkeyName()));
            case SpdAdd add -> policy(add.selector(), add.direction(), add.priority().orElse(null), add.action(),
                    out);
            case SpdUpdate update -> policy(update.selector(), update.direction(), update.priority().orElse(null),
                    update.action(), out);
            case SpdDelete delete -> policy(delete.selector(), delete.direction(), null, null, out);
            case SpdFlush ignored -> { }
        }
        return out;
    }

    private static void addSa(AddSa sa, Keys keys, List<String> out) {
        if (sa.udpEncapsulation().isPresent()) {
            UdpEncapsulation udp = sa.udpEncapsulation().get();
            out.add(Addresses.format(sa.source()) + "[" + udp.sourcePort() + "]");
            out.add(Addresses.format(sa.destination()) + "[" + udp.destinationPort() + "]");
            out.add("esp-udp");
            udp.originalAddress().ifPresent(address -> out.add(Addresses.format(address)));
        } else {
            out.add(Addresses.format(sa.source()));
            out.add(Addresses.format(sa.destination()));
            out.add(sa.protocol().setkeyName());
        }
        out.add(spi(sa.spi()));
        if (sa.mode() != SaMode.ANY) {
            out.add("-m");
            out.add(sa.mode().setkeyName());
        }
        option(out, "-r", sa.replayWindow());
        option(out, "-u", sa.requestId());
        if (sa.padding() != Padding.DEFAULT) {
            out.add("-f");
            out.add(sa.padding().setkeyName());
        }
        if (!sa.cyclicSequence()) {
            out.add("-f");
            out.add("nocyclic-seq");
        }
        option(out, "-lh", sa.hardLifetime().seconds());
        option(out, "-ls", sa.softLifetime().seconds());
        option(out, "-bh", sa.hardLifetime().bytes());
        option(out, "-bs", sa.softLifetime().bytes());
        sa.encryption().ifPresent(encryption -> {
            out.add("-E");
            out.add(encryption.algorithm().setkeyName());
            if (encryption.algorithm() != EncryptionAlgorithm.NULL) {
                out.add(key(encryption.key(), keys));
            }
        });
        sa.authentication().ifPresent(authentication -> {
            out.add("-A");
            out.add(authentication.algorithm().setkeyName());
            if (authentication.algorithm() != AuthenticationAlgorithm.NULL) {
                out.add(key(authentication.key(), keys));
            }
        });
    }

    private static void option(List<String> out, String option, long value) {
        if (value != 0) {
            out.add(option);
            out.add(Long.toString(value));
        }
    }

    private static String key(KeyMaterial key, Keys keys) {
        if (keys == Keys.REDACT) {
            return "<" + key.length() + "-byte key>";
        }
        byte[] bytes = key.bytes();
        try {
            return "0x" + HexFormat.of().formatHex(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private static String spi(long spi) {
        return "0x" + Long.toHexString(spi);
    }

    private static void policy(PolicySelector selector, PolicyDirection direction, PolicyPriority priority,
            PolicyAction action, List<String> out) {
        out.add(selector(selector.source()));
        out.add(selector(selector.destination()));
        switch (selector.upperLayer()) {
            case UpperLayer.Icmp icmp -> {
                out.add(icmp.protocol() == UpperLayer.ICMP ? "icmp" : "icmp6");
                out.add(icmp.type() + "," + icmp.code());
            }
            case UpperLayer upper -> out.add(upper.toString());
        }
        out.add("-P");
        out.add(direction.setkeyName());
        if (priority != null) {
            out.add("prio");
            if (priority.base() == PolicyPriority.Base.DEFAULT) {
                out.add(Long.toString(priority.offset()));
            } else {
                out.add(priority.base().setkeyName());
                if (priority.offset() != 0) {
                    out.add(priority.offset() > 0 ? "+" : "-");
                    out.add(Long.toString(Math.abs(priority.offset())));
                }
            }
        }
        if (action != null) {
            switch (action) {
                case PolicyAction.Discard discard -> out.add("discard");
                case PolicyAction.Bypass bypass -> out.add("none");
                case PolicyAction.Protect protect -> {
                    out.add("ipsec");
                    protect.requests().forEach(request -> out.add(request.toString()));
                }
            }
        }
    }

    private static String selector(AddressSelector selector) {
        String text = Addresses.format(selector.address()) + "/" + selector.prefixLength();
        return selector.port().isAny() ? text : text + "[" + selector.port().number() + "]";
    }
}
