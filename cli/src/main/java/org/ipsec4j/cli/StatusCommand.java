package org.ipsec4j.cli;

import java.util.concurrent.Callable;

import org.ipsec4j.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ipsec4j status [--json]}: IKE SAs, SAs, policies and counters of the running daemon. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show what the running daemon has: its IKE connections and every IKE SA as 'swanctl --list-sas' "
                + "shows it (SPIs, identities, addresses and ports, algorithms, NAT state, virtual IP, and each "
                + "Child SA with its SPIs, selectors, bytes and packets); every manual SA (SPI, direction, "
                + "protocol, mode, endpoints, UDP ports, algorithms, replay window, lifetimes, bytes, packets and "
                + "each non-zero drop reason), every policy (direction, selector, action, hits) and the data "
                + "plane's global counters."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:status printed",
            "1:the daemon answered with an error",
            "2:wrong command-line usage",
            "3:no daemon answers on the control socket"})
public final class StatusCommand implements Callable<Integer> {

    static final int EXIT_NO_DAEMON = 3;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "print JSON instead of text")
    private boolean json;

    @Mixin
    private ControlSocketOption control;

    @Override
    public Integer call() {
        return ControlRequests.run(spec, control.path, json ? ControlProtocol.STATUS_JSON : ControlProtocol.STATUS);
    }
}
