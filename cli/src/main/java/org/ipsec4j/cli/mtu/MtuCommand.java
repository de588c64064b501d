package org.ipsec4j.cli.mtu;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.JsonWriter;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.selector.IpFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipsec4j mtu [TRANSFORM]}: what IPsec adds to each packet and the largest inner packet that fits a path,
 * computed by the data plane's own code; without a transform, seed 001 §5.6's table.
 */
@Command(name = "mtu", mixinStandardHelpOptions = true,
        description = {
            "The per-packet overhead of an IPsec transform and the largest inner packet that fits a path MTU, "
                + "computed by the data plane's own code (the same the daemon sets its TUN device's MTU with).",
            "TRANSFORM is named as strongSwan names proposals: aes128-sha1, aes256-sha256, aes128gcm16, "
                + "chacha20poly1305, 3des-md5, des-sha1, null-sha256, ... (key exchange and ESN keywords are "
                + "ignored: they do not change the packet); with --ah, an integrity algorithm such as sha256.",
            "Without TRANSFORM: seed 001 §5.6's table (MD5, SHA-1, DES, 3DES, AES-128, AES-GCM, "
                + "ChaCha20-Poly1305) for a 1500-byte path, or for --path-mtu."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:internal error", "2:wrong command-line usage or an unknown transform"})
public final class MtuCommand implements Callable<Integer> {

    /** Seed 001 §5.6's algorithms, with AES-GCM and ChaCha20-Poly1305. */
    static final List<String> TABLE = List.of("des-md5", "des-sha1", "3des-md5", "3des-sha1", "aes128-md5",
            "aes128-sha1", "aes128gcm16", "chacha20poly1305");

    enum ModeOption { tunnel, transport }

    enum EncapOption { none, udp }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TRANSFORM", description = "e.g. aes128-sha1, aes128gcm16")
    private String transform;

    @Option(names = "--mode", paramLabel = "tunnel|transport", defaultValue = "tunnel",
            description = "IPsec mode (default tunnel)")
    private ModeOption mode;

    @Option(names = "--encap", paramLabel = "none|udp",
            description = "raw ESP (none) or ESP in UDP 4500 (udp); default: udp for one transform, both in the table")
    private EncapOption encap;

    @Option(names = "--family", paramLabel = "4|6", defaultValue = "4", description = "the outer IP version (default 4)")
    private int family;

    @Option(names = "--path-mtu", paramLabel = "BYTES", description = "the path MTU (default 1500)")
    private Integer pathMtu;

    @Option(names = "--ah", description = "AH (RFC 4302) instead of ESP; TRANSFORM is then an integrity algorithm")
    private boolean ah;

    @Option(names = "--json", description = "print JSON")
    private boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (family != 4 && family != 6) {
            return usage(err, "--family is 4 or 6, not " + family);
        }
        int mtu = pathMtu == null ? 1500 : pathMtu;
        int minimum = family == 4 ? 68 : 1280;
        if (mtu < minimum || mtu > 65535) {
            return usage(err, "--path-mtu " + mtu + " is outside " + minimum + "..65535 (the IPv" + family
                    + " minimum link MTU is " + minimum + ")");
        }
        IpFamily outer = family == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
        IpsecMode ipsecMode = mode == ModeOption.tunnel ? IpsecMode.TUNNEL : IpsecMode.TRANSPORT;
        if (ah && encap == EncapOption.udp) {
            return usage(err, "AH cannot be UDP-encapsulated (RFC 3948 covers ESP only)");
        }
        try {
            if (transform == null) {
                if (ah) {
                    return usage(err, "--ah needs a TRANSFORM (an integrity algorithm, e.g. sha256)");
                }
                List<EncapOption> encaps = encap == null ? List.of(EncapOption.none, EncapOption.udp) : List.of(encap);
                List<List<MtuCalculation>> rows = new ArrayList<>();
                for (String name : TABLE) {
                    List<MtuCalculation> row = new ArrayList<>();
                    for (EncapOption e : encaps) {
                        row.add(MtuCalculation.of(TransformName.parse(name, false), ipsecMode, e == EncapOption.udp,
                                outer, mtu));
                    }
                    rows.add(row);
                }
                out.print(json ? tableJson(rows, ipsecMode, outer, mtu) : tableText(rows, ipsecMode, outer, mtu));
            } else {
                TransformName name = TransformName.parse(transform, ah);
                boolean udp = !ah && (encap == null || encap == EncapOption.udp);
                MtuCalculation c = MtuCalculation.of(name, ipsecMode, udp, outer, mtu);
                out.print(json ? singleJson(c) : singleText(c));
            }
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        out.flush();
        return 0;
    }

    private static int usage(PrintWriter err, String message) {
        err.println("ipsec4j mtu: " + message);
        err.flush();
        return 2;
    }

    static String encapsulation(MtuCalculation c) {
        return c.transform().transform() == null ? "AH" : c.udp() ? "ESP in UDP (RFC 3948)" : "ESP (protocol 50)";
    }

    static String modeName(IpsecMode mode) {
        return mode == IpsecMode.TUNNEL ? "tunnel" : "transport";
    }

    static String singleText(MtuCalculation c) {
        StringBuilder out = new StringBuilder();
        TransformName t = c.transform();
        out.append("transform: ").append(t.name()).append(" = ").append(t.description())
                .append(t.legacy() ? " (legacy: the daemon needs --allow-legacy)" : "").append('\n');
        if (t.note() != null) {
            out.append("note: ").append(t.note()).append('\n');
        }
        out.append(modeName(c.mode())).append(" mode, ").append(encapsulation(c)).append(", outer IPv")
                .append(c.family().version()).append(", path MTU ").append(c.pathMtu()).append("\n\n");
        out.append("per packet:\n");
        if (c.mode() == IpsecMode.TUNNEL) {
            line(out, "outer IPv" + c.family().version() + " header", Integer.toString(c.ipHeader()));
        }
        if (c.udpHeader() > 0) {
            line(out, "UDP header", Integer.toString(c.udpHeader()));
        }
        if (t.transform() == null) {
            line(out, "AH header with ICV", Integer.toString(c.ahHeader()));
        } else {
            line(out, "ESP header (SPI, sequence)", Integer.toString(c.espHeader() - c.ivLength()));
            if (c.ivLength() > 0) {
                line(out, "IV", Integer.toString(c.ivLength()));
            }
            line(out, "padding", "0-" + (c.alignment() - 1));
            line(out, "pad length, next header", "2");
            line(out, "ICV", Integer.toString(c.icv()));
        }
        line(out, "overhead", c.minOverhead() == c.maxOverhead() ? c.minOverhead() + " bytes"
                : c.minOverhead() + "-" + c.maxOverhead() + " bytes");
        if (t.transform() != null) {
            out.append("  (padding: payload + 2 trailer bytes up to a multiple of ").append(c.alignment())
                    .append(", RFC 4303 §2.4)\n");
        }
        if (c.mode() == IpsecMode.TRANSPORT) {
            out.append("  (transport mode: the packet's own IP header stays outside, so it is not added again)\n");
        }
        out.append('\n');
        if (c.largestInner() == 0) {
            out.append("largest inner packet: none fits a path MTU of ").append(c.pathMtu()).append('\n');
        } else {
            out.append("largest inner packet: ").append(c.largestInner()).append(" bytes (outer packet ")
                    .append(c.outerForLargest()).append(" bytes");
            if (c.unused() > 0) {
                out.append(", ").append(c.unused()).append(c.unused() == 1 ? " byte" : " bytes")
                        .append(" of the path left unused by the alignment");
            }
            out.append(")\n");
        }
        out.append("a ").append(c.innerForTable()).append("-byte packet becomes ").append(c.outerForTableInner())
                .append(" bytes").append(c.outerForTableInner() > c.pathMtu()
                        ? ": too big for the path, so it is fragmented or refused with fragmentation-needed"
                        : "").append('\n');
        return out.toString();
    }

    private static void line(StringBuilder out, String what, String value) {
        out.append(String.format("  %-28s %9s%n", what, value));
    }

    static String tableText(List<List<MtuCalculation>> rows, IpsecMode mode, IpFamily family, int mtu) {
        StringBuilder out = new StringBuilder();
        out.append("ESP ").append(modeName(mode)).append(" mode, outer IPv").append(family.version())
                .append(", path MTU ").append(mtu).append(" (seed 001 §5.6, with AES-GCM and ChaCha20-Poly1305)\n\n");
        List<MtuCalculation> first = rows.getFirst();
        StringBuilder head1 = new StringBuilder(String.format("%-18s", ""));
        StringBuilder head2 = new StringBuilder(String.format("%-18s", "transform"));
        for (MtuCalculation c : first) {
            head1.append(String.format("  %-33s", c.udp() ? "ESP in UDP 4500" : "ESP (protocol 50)"));
            head2.append(String.format("  %-9s %-11s %-11s", "overhead", "1500 B ->", "largest"));
        }
        out.append(head1.toString().stripTrailing()).append('\n').append(head2.toString().stripTrailing()).append('\n');
        boolean des = false;
        for (List<MtuCalculation> row : rows) {
            TransformName t = row.getFirst().transform();
            String name = t.name() + (t.note() != null ? " *" : "");
            des |= t.note() != null;
            StringBuilder line = new StringBuilder(String.format("%-18s", name));
            for (MtuCalculation c : row) {
                line.append(String.format("  %-9s %-11d %-11d", c.minOverhead() + "-" + c.maxOverhead(),
                        c.outerForTableInner(), c.largestInner()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        out.append("\noverhead: bytes added per packet (less or more padding); 1500 B ->: the outer packet a "
                + "1500-byte packet becomes; largest: the largest inner packet that fits the path (the path MTU "
                + "tracepath reports through the tunnel)\n");
        if (des) {
            out.append("* single DES is not in the data plane; its packets are 3DES's to the byte\n");
        }
        return out.toString();
    }

    static String singleJson(MtuCalculation c) {
        JsonWriter j = new JsonWriter().beginObject();
        calculation(j, c, true);
        return j.endObject().toString();
    }

    private static void calculation(JsonWriter j, MtuCalculation c, boolean full) {
        TransformName t = c.transform();
        if (full) {
            j.member("transform", t.name()).member("description", t.description()).member("legacy", t.legacy());
            if (t.note() != null) {
                j.member("note", t.note());
            }
            j.member("mode", modeName(c.mode())).member("family", c.family().version()).member("pathMtu", c.pathMtu());
        }
        j.member("encapsulation", t.transform() == null ? "ah" : c.udp() ? "esp-in-udp" : "esp");
        j.name("overhead").beginObject().member("ipHeader", c.mode() == IpsecMode.TUNNEL ? c.ipHeader() : 0)
                .member("udpHeader", c.udpHeader());
        if (t.transform() == null) {
            j.member("ahHeader", c.ahHeader());
        } else {
            j.member("espHeader", c.espHeader() - c.ivLength()).member("iv", c.ivLength())
                    .member("alignment", c.alignment()).member("trailerMax", c.trailerMax()).member("icv", c.icv());
        }
        j.member("min", c.minOverhead()).member("max", c.maxOverhead()).endObject();
        j.member("largestInnerPacket", c.largestInner()).member("outerPacketOfLargest", c.outerForLargest());
        j.member("outerPacketOf1500", c.outerForTableInner());
    }

    static String tableJson(List<List<MtuCalculation>> rows, IpsecMode mode, IpFamily family, int mtu) {
        JsonWriter j = new JsonWriter().beginObject();
        j.member("mode", modeName(mode)).member("family", family.version()).member("pathMtu", mtu);
        j.name("rows").beginArray();
        for (List<MtuCalculation> row : rows) {
            TransformName t = row.getFirst().transform();
            j.beginObject().member("transform", t.name()).member("description", t.description())
                    .member("legacy", t.legacy());
            if (t.note() != null) {
                j.member("note", t.note());
            }
            j.name("encapsulations").beginArray();
            for (MtuCalculation c : row) {
                j.beginObject();
                calculation(j, c, false);
                j.endObject();
            }
            j.endArray().endObject();
        }
        return j.endArray().endObject().toString();
    }
}
