package org.ipsec4j.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the daemon cleanly with exit status 0: the handler stops it (routes, rules, TUN device
 * and control socket removed) and the command returns. Handling the signals ourselves, instead of letting the
 * JVM run its shutdown hooks, keeps the exit status ours. Falls back to a shutdown hook where the JVM does not
 * let us (then the status is 128 + the signal number). {@code sun.misc.Signal} lives in the jdk.unsupported
 * module, which JEP 260 keeps open for exactly this; javac still calls it internal.
 */
final class StopSignals {

    private StopSignals() {}

    static void install(Runnable stop) {
        try {
            Signal.handle(new Signal("TERM"), signal -> stop.run());
            Signal.handle(new Signal("INT"), signal -> stop.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(stop));
        }
    }
}
