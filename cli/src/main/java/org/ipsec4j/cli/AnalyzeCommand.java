package org.ipsec4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.ipsec4j.diag.analyze.AnalysisReport;
import org.ipsec4j.diag.analyze.CaptureAnalyzer;
import org.ipsec4j.diag.analyze.JsonReport;
import org.ipsec4j.diag.analyze.KeyLogKeySource;
import org.ipsec4j.diag.analyze.KeySource;
import org.ipsec4j.diag.analyze.TextReport;
import org.ipsec4j.ike.keys.KeyLogException;
import org.ipsec4j.wire.pcap.CaptureFormatException;
import org.ipsec4j.wire.pcap.CaptureReader;
import org.ipsec4j.wire.pcap.CapturedPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipsec4j analyze CAPTURE [--keys FILE] [--json]}: reads a capture as a stream and explains what IPsec did
 * on it (IKE SAs and exchanges, ESP flows, keepalives, IP fragment trains, ICMP errors) and what went wrong
 * (findings with an id, a severity, the packets that prove them, the likely cause and the fix). With a key log
 * it decrypts IKEv2 and ESP through a {@link KeyLogKeySource}.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {
            "Analyse a pcap or pcapng capture of IPsec traffic and explain what went wrong.",
            "Lists the IKE SAs (IKEv2 exchanges with their payload chains, notify types, retransmissions, IP and "
                + "RFC 7383 fragments, NAT detection, the NAT-T float; IKEv1 headers and payload chains), the ESP "
                + "flows per SPI, direction and interface (packets, bytes, sequence gaps, late and replayed "
                + "packets), NAT keepalives, IP fragment trains and ICMP errors with the packets they quote, then "
                + "the findings, worst first: ike-ip-fragments-dropped, ike-no-response, pmtu-black-hole, "
                + "path-mtu-reported, esp-blocked, nat-detected, nat-mapping-changed, nd-unanswered, "
                + "esp-replay-or-reorder. Packet numbers count from 1 in capture order, as tshark's do.",
            "Without keys only the clear parts are decoded (SK payloads show their first inner payload type). With "
                + "--keys the protected IKEv2 messages are decrypted (RFC 7383 fragments joined first) and their "
                + "payloads spelled out (SA proposals, TSi/TSr, IDs, AUTH method, CP, notifies, Delete), ESP is "
                + "decrypted per SPI (inner flows counted, packets the keys do not open counted apart), and error "
                + "notifies inside become findings: ike-authentication-failed, ike-ts-unacceptable, "
                + "ike-no-proposal-chosen, ike-invalid-ke-payload, ike-internal-address-failure, "
                + "ike-failed-cp-required, ike-single-pair-required."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the capture was analysed (whatever the findings)",
            "1:internal error",
            "2:wrong command-line usage",
            "3:CAPTURE or the --keys file cannot be read (missing, a directory, no permission, I/O error)",
            "4:CAPTURE is not a usable capture (not pcap or pcapng, empty, truncated, malformed, unsupported link "
                + "type; what was read before a truncation is still reported), or the --keys file is not a key log"})
public final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "a pcap or pcapng file")
    private Path file;

    @Option(names = "--json", description = "print the analysis as one JSON object")
    private boolean json;

    @Option(names = "--keys", paramLabel = "FILE", description = "a key log to decrypt with: ipsec4j's own (the "
            + ".keys file of `ipsec4j dump`) or strongSwan's charon log written with ike = 4 and chd = 4")
    private Path keysFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(file)) {
            return fail(err, CaptureCommand.EXIT_CANNOT_READ, "is a directory, not a capture file");
        }
        KeyLogKeySource keys = null;
        if (keysFile != null) {
            if (Files.isDirectory(keysFile)) {
                return failKeys(err, CaptureCommand.EXIT_CANNOT_READ, "is a directory, not a key log");
            }
            try {
                keys = KeyLogKeySource.read(keysFile);
            } catch (NoSuchFileException e) {
                return failKeys(err, CaptureCommand.EXIT_CANNOT_READ, "no such file");
            } catch (AccessDeniedException e) {
                return failKeys(err, CaptureCommand.EXIT_CANNOT_READ, "permission denied");
            } catch (KeyLogException e) {
                // The message names the file and the line, never a key.
                err.println("ipsec4j analyze: --keys " + e.getMessage());
                err.flush();
                return CaptureCommand.EXIT_BAD_CAPTURE;
            } catch (IOException e) {
                return failKeys(err, CaptureCommand.EXIT_CANNOT_READ, "cannot read: " + e.getMessage());
            }
            for (String note : keys.notes()) {
                err.println("ipsec4j analyze: --keys " + note);
            }
            err.flush();
        }
        try (KeyLogKeySource closing = keys) {
            return analyze(out, err, new CaptureAnalyzer(keys == null ? KeySource.NONE : keys,
                    CaptureAnalyzer.Limits.DEFAULT));
        }
    }

    private int analyze(PrintWriter out, PrintWriter err, CaptureAnalyzer analyzer) {
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedPacket packet;
            while ((packet = reader.next()) != null) {
                analyzer.accept(packet, reader::interfaces);
            }
        } catch (NoSuchFileException e) {
            return fail(err, CaptureCommand.EXIT_CANNOT_READ, "no such file");
        } catch (AccessDeniedException e) {
            return fail(err, CaptureCommand.EXIT_CANNOT_READ, "permission denied");
        } catch (CaptureFormatException e) {
            long read = analyzer.packets();
            if (read > 0) {
                print(out, analyzer.finish());
            }
            return fail(err, CaptureCommand.EXIT_BAD_CAPTURE, CaptureCommand.describe(e, read));
        } catch (IOException e) {
            return fail(err, CaptureCommand.EXIT_CANNOT_READ, "cannot read: " + e.getMessage());
        }
        print(out, analyzer.finish());
        return 0;
    }

    private void print(PrintWriter out, AnalysisReport report) {
        out.print(json ? JsonReport.render(report) : TextReport.render(report));
        out.flush();
    }

    private int failKeys(PrintWriter err, int exitCode, String message) {
        err.println("ipsec4j analyze: --keys " + keysFile + ": " + message);
        err.flush();
        return exitCode;
    }

    private int fail(PrintWriter err, int exitCode, String message) {
        err.println("ipsec4j analyze: " + file + ": " + message);
        err.flush();
        return exitCode;
    }
}
