package org.ipsec4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ipsec4j dump NAME --dir DIR [--rekey] | --stop}: a tunnel dump of an IKE connection. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {
            "Start or stop a tunnel dump of an IKE connection of the running daemon, as the Shrew client makes them: "
                + "DIR/NAME-ike-decrypted.pcapng (its IKE messages in the clear), NAME-ike.pcapng (IKE as on the "
                + "wire), NAME-esp.pcapng (its ESP as on the wire), NAME-inner.pcapng (the packets its SAs "
                + "carried, in the clear), NAME.keys (the keys of the SAs negotiated while the dump runs, ipsec4j's "
                + "key log) and NAME-wireshark/ (the same keys for Wireshark: "
                + "WIRESHARK_CONFIG_DIR=DIR/NAME-wireshark tshark -r DIR/NAME-esp.pcapng decrypts).",
            "The key files are secrets (mode 0600): whoever holds them can read the traffic they cover."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the dump started (the files it writes are listed) or stopped (with what it wrote)",
            "1:refused: no such connection, a dump of it runs already (or none runs, for --stop), the directory "
                + "cannot be written, or the daemon runs without IKE",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class DumpCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the connection (a section of connections { } in swanctl.conf)")
    private String connection;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "start dumping into DIR (created, mode 0700, if missing; files of an earlier dump of the "
                    + "same connection there are replaced)")
    private Path directory;

    @Option(names = "--rekey", description = "with --dir: rekey the connection's IKE SA and Child SAs now "
            + "(make-before-break), so that SAs up before the dump get keys in the key log")
    private boolean rekey;

    @Option(names = "--stop", description = "stop the connection's dump and close its files")
    private boolean stop;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        if ((directory == null) == !stop) {
            throw new ParameterException(spec.commandLine(), "give either --dir DIR (start) or --stop");
        }
        if (stop && rekey) {
            throw new ParameterException(spec.commandLine(), "--rekey goes with --dir");
        }
        ControlProtocol.DumpCommand command;
        try {
            command = new ControlProtocol.DumpCommand(connection,
                    stop ? null : directory.toAbsolutePath().normalize(), rekey);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return ControlRequests.run(spec, control.path, command.requestLine());
    }
}
