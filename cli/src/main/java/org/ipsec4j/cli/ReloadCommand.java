package org.ipsec4j.cli;

import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ipsec4j reload}: the running daemon re-reads its setkey file and swanctl.conf, all or nothing. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {
            "Make the running daemon re-read its setkey file and its swanctl.conf. Both are checked first; a bad "
                + "one is refused with its line and column and nothing changes. SAs the setkey file keeps "
                + "unchanged keep running with their sequence numbers and counters; IKE connections that are "
                + "unchanged keep their IKE and Child SAs."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:reloaded",
            "1:refused (the message says where the file is wrong); the running configuration stays",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class ReloadCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        return ControlRequests.run(spec, control.path, ControlProtocol.RELOAD);
    }
}
