package org.ipsec4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.ipsec4j.wire.pcap.CaptureFormatException;
import org.ipsec4j.wire.pcap.CaptureInterface;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipsec4j capture FILE}: a one-line-per-packet summary of a pcap or pcapng file, streamed, with what
 * matters on a hostile path: fragments, ICMP errors and the packets they quote, IKE and ESP.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {
            "Summarise a pcap or pcapng capture, one line per packet, then a line of totals.",
            "Each line: packet number, seconds since the first packet, the interface (only when the capture "
                + "has several), then IP or IP6, source > destination, fragment fields "
                + "(frag id, off, len in bytes, MF), and the upper layer: UDP (isakmp, ipsec-nat-t with "
                + "NAT-keepalive, non-ESP marker + IKE, or ESP), TCP, ESP, AH, ICMP and ICMPv6, ICMP errors "
                + "with the packet they quote.",
            "A packet that cannot be parsed says which field at which offset of the captured frame is wrong; "
                + "the summary goes on with the next packet."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the capture was summarised",
            "1:internal error",
            "2:wrong command-line usage",
            "3:FILE cannot be read (missing, a directory, no permission, I/O error)",
            "4:FILE is not a usable capture (not pcap or pcapng, truncated, malformed, unsupported link type)"})
public final class CaptureCommand implements Callable<Integer> {

    static final int EXIT_CANNOT_READ = 3;
    static final int EXIT_BAD_CAPTURE = 4;

    /** How often to ask whether stdout is still there, so that {@code | head} ends the read early. */
    private static final int OUTPUT_CHECK_INTERVAL = 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "a pcap or pcapng file")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CaptureSummarizer summarizer = null;
        try {
            if (Files.isDirectory(file)) {
                return fail(out, err, EXIT_CANNOT_READ, "is a directory, not a capture file");
            }
            InterfaceColumn interfaceColumn = InterfaceCensus.of(file);
            summarizer = new CaptureSummarizer(interfaceColumn);
            try (CaptureReader reader = CaptureReader.open(file)) {
                CapturedPacket packet;
                while ((packet = reader.next()) != null) {
                    String name = interfaceColumn.byCaptureInterface() ? interfaceName(reader, packet) : "";
                    out.append(summarizer.summarize(packet, name)).append('\n');
                    if (summarizer.packets() % OUTPUT_CHECK_INTERVAL == 0 && outputClosed(out)) {
                        return 0; // a pager quit or | head has read enough: nobody reads the rest
                    }
                }
            }
            out.append(summarizer.totals()).append('\n');
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            return fail(out, err, EXIT_CANNOT_READ, "no such file");
        } catch (AccessDeniedException e) {
            return fail(out, err, EXIT_CANNOT_READ, "permission denied");
        } catch (CaptureFormatException e) {
            if (summarizer != null && summarizer.packets() > 0) {
                out.append(summarizer.totals()).append('\n');
            }
            return fail(out, err, EXIT_BAD_CAPTURE, describe(e, summarizer == null ? 0 : summarizer.packets()));
        } catch (IOException e) {
            return fail(out, err, EXIT_CANNOT_READ, "cannot read: " + e.getMessage());
        }
    }

    /**
     * Whether stdout has gone away. picocli's writer sits on {@link System#out}, a PrintStream that keeps a
     * failed write to itself, so both are asked.
     */
    private static boolean outputClosed(PrintWriter out) {
        return out.checkError() || System.out.checkError();
    }

    private static String interfaceName(CaptureReader reader, CapturedPacket packet) {
        List<CaptureInterface> interfaces = reader.interfaces();
        int id = packet.interfaceId();
        return id < interfaces.size() ? interfaces.get(id).name() : "";
    }

    /** What kind of format problem it is, where the summary stopped, then the reader's own words. */
    static String describe(CaptureFormatException e, long packetsRead) {
        String field = e.field();
        String kind;
        if (field.equals("capture.magic")) {
            kind = "not a pcap or pcapng capture";
        } else if (field.endsWith("linktype") || field.endsWith("link_type") || field.endsWith("version_major")
                || field.endsWith("major_version")) {
            kind = "unsupported capture";
        } else if (e.getMessage().contains(": truncated at offset ")) {
            kind = "truncated capture";
        } else {
            kind = "malformed capture";
        }
        String where = packetsRead > 0 ? " after packet " + packetsRead : "";
        return kind + where + ": " + e.getMessage();
    }

    /** Prints what has been summarised, then one line on stderr: {@code ipsec4j capture: FILE: MESSAGE}. */
    private int fail(PrintWriter out, PrintWriter err, int exitCode, String message) {
        out.flush();
        err.println("ipsec4j capture: " + file + ": " + message);
        err.flush();
        return exitCode;
    }
}
