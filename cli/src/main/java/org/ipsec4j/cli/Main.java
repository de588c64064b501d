package org.ipsec4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ipsec4j} command. */
@Command(name = "ipsec4j", mixinStandardHelpOptions = true, version = "ipsec4j 0.1.0",
        description = "A pure-Java IPsec VPN.",
        subcommands = {CommandLine.HelpCommand.class, CaptureCommand.class, AnalyzeCommand.class, DaemonCommand.class,
            StatusCommand.class, ReloadCommand.class, UpCommand.class, DownCommand.class, RekeyCommand.class,
            DumpCommand.class, org.ipsec4j.cli.firewall.FirewallCheckCommand.class,
            org.ipsec4j.cli.mtu.MtuCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The command line with its subcommands and error handling, as {@link #main} runs it (and tests do). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // A bug must still end in one line on stderr, not a stack trace.
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": internal error: " + exception);
            return failed.getCommandSpec().exitCodeOnExecutionException();
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
