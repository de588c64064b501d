package org.ipsec4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ipsec4j} command. */
@Command(name = "ipsec4j", mixinStandardHelpOptions = true, version = "ipsec4j 0.1.0",
        description = "A pure-Java IPsec VPN.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
