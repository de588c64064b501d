package org.ipsec4j.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job ({@code bin/demo}): a real IPsec tunnel between two network namespaces, negotiated with IKEv2
 * from the built-in swanctl.conf files {@code tunnel-demo-left.swanctl.conf} and
 * {@code tunnel-demo-right.swanctl.conf} (pre-shared key, AES-GCM-128 / HMAC-SHA-256 PRF / X25519 for IKE,
 * AES-GCM-128 for ESP, tunnel mode, ESP in UDP port 4500).
 *
 * <pre>
 *   left 192.0.2.1 ------------ veth ------------ right 192.0.2.2
 *   inner 10.0.1.1                                inner 10.0.2.1
 *   ipsec4j daemon                                ipsec4j daemon
 * </pre>
 *
 * Starts one {@code ipsec4j daemon --conf} in each namespace, brings the tunnel up with {@code ipsec4j up demo}
 * on the left, pings 10.0.2.1 from 10.0.1.1 through it, shows {@code ipsec4j status} of both sides, stops the
 * daemons (which delete the IKE SA and remove their TUN devices, routes and rules) and deletes the namespaces.
 *
 * <p>Usage: {@code TunnelDemo PATH-TO-bin/ipsec4j} (as root).
 */
public final class TunnelDemo {

    static final String SETKEY_RESOURCE = "tunnel-demo.setkey";
    static final String LEFT_RESOURCE = "tunnel-demo-left.swanctl.conf";
    static final String RIGHT_RESOURCE = "tunnel-demo-right.swanctl.conf";
    /** The connection both files name. */
    public static final String CONNECTION = "demo";
    private static final String LEFT = "192.0.2.1";
    private static final String RIGHT = "192.0.2.2";
    private static final String LEFT_INNER = "10.0.1.1";
    private static final String RIGHT_INNER = "10.0.2.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private TunnelDemo() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: TunnelDemo PATH-TO-bin/ipsec4j");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]).toAbsolutePath()));
    }

    /** The built-in setkey file, as shipped (the same tunnel keyed by hand; bin/demo uses IKE). */
    public static String setkeyText() {
        return resource(SETKEY_RESOURCE);
    }

    /** The left side's built-in swanctl.conf, as shipped. */
    public static String leftSwanctlText() {
        return resource(LEFT_RESOURCE);
    }

    /** The right side's built-in swanctl.conf, as shipped. */
    public static String rightSwanctlText() {
        return resource(RIGHT_RESOURCE);
    }

    private static String resource(String name) {
        try (InputStream in = TunnelDemo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the demo with this {@code bin/ipsec4j} (or anything that runs the ipsec4j command); 0 when the ping went through. */
    public static int run(Path ipsec4j) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("ipsec4j-demo-");
        Path leftConf = work.resolve("left.swanctl.conf");
        Path rightConf = work.resolve("right.swanctl.conf");
        Files.writeString(leftConf, leftSwanctlText());
        Files.writeString(rightConf, rightSwanctlText());
        Path leftControl = work.resolve("left.sock");
        Path rightControl = work.resolve("right.sock");
        try (Lab lab = Lab.create()) {
            Namespace left = lab.host("left");
            Namespace right = lab.host("right");
            Link link = lab.link(left, right, 1500);
            link.a().addAddress(LEFT + "/24");
            link.b().addAddress(RIGHT + "/24");
            left.ip("addr", "add", LEFT_INNER + "/32", "dev", "lo");
            right.ip("addr", "add", RIGHT_INNER + "/32", "dev", "lo");
            say("Two namespaces joined by a veth link: left " + LEFT + " (inner " + LEFT_INNER + "), right " + RIGHT
                    + " (inner " + RIGHT_INNER + ").");
            say("Both run 'ipsec4j daemon --conf' on a built-in swanctl.conf: IKEv2 with a pre-shared key, "
                    + "AES-GCM-128, X25519, tunnel mode, ESP in UDP 4500. The left one's:");
            System.out.println();
            leftSwanctlText().lines().filter(l -> !l.strip().startsWith("#") && !l.isBlank())
                    .forEach(l -> System.out.println("    " + l));
            System.out.println();

            BackgroundProcess rightDaemon = startDaemon(right, ipsec4j, rightConf, rightControl);
            BackgroundProcess leftDaemon = startDaemon(left, ipsec4j, leftConf, leftControl);
            say("Daemons ready. Bring the tunnel up from the left ('ipsec4j up " + CONNECTION + "'):");
            CommandOutput up = command(ipsec4j, "up", CONNECTION, "--control", leftControl.toString());
            System.out.println();
            System.out.println(up.indented());
            if (up.exitCode() != 0) {
                leftDaemon.stop();
                rightDaemon.stop();
                System.err.println("ipsec4j demo: the IKE negotiation failed.\nleft daemon said:\n"
                        + leftDaemon.stderrText() + "right daemon said:\n" + rightDaemon.stderrText());
                return 1;
            }
            say("Ping " + RIGHT_INNER + " from " + LEFT_INNER + " through the tunnel:");
            CommandResult ping = left.exec("ping", "-n", "-c", "3", "-i", "0.3", "-W", "2", "-I", LEFT_INNER,
                    RIGHT_INNER);
            System.out.println();
            ping.stdout().lines().forEach(l -> System.out.println("    " + l));
            System.out.println();
            say("Status of the left daemon ('ipsec4j status'):");
            System.out.println();
            System.out.println(command(ipsec4j, "status", "--control", leftControl.toString()).indented());
            say("Status of the right daemon:");
            System.out.println();
            System.out.println(command(ipsec4j, "status", "--control", rightControl.toString()).indented());
            say("Stopping both daemons (SIGTERM): the left deletes the IKE SA, each removes its TUN device, routes, "
                    + "rule and control socket.");
            leftDaemon.stop();
            rightDaemon.stop();
            printLastLine("left", leftDaemon);
            printLastLine("right", rightDaemon);
            if (!ping.succeeded()) {
                System.err.println("ipsec4j demo: the ping through the tunnel failed:\n" + ping.stderr()
                        + "left daemon said:\n" + leftDaemon.stderrText() + "right daemon said:\n"
                        + rightDaemon.stderrText());
                return 1;
            }
            say("Done: the ping went through the tunnel, encrypted and decrypted by ipsec4j in user space.");
            return 0;
        } finally {
            for (Path p : List.of(leftConf, rightConf, leftControl, rightControl, work)) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static BackgroundProcess startDaemon(Namespace namespace, Path ipsec4j, Path conf, Path control) {
        BackgroundProcess daemon = namespace.start(ipsec4j.toString(), "daemon", "--conf", conf.toString(),
                "--control", control.toString());
        daemon.awaitStderrLine("ready:", START_TIMEOUT);
        return daemon;
    }

    /** What a command printed (stdout and stderr together) and how it ended. */
    private record CommandOutput(int exitCode, String output) {
        String indented() {
            return output.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
        }
    }

    /** {@code ipsec4j ARGUMENTS}, run here: the control socket is a file, reachable from any namespace. */
    private static CommandOutput command(Path ipsec4j, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ipsec4j.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CommandOutput(process.waitFor(), output);
    }

    private static void printLastLine(String name, BackgroundProcess daemon) {
        List<String> lines = daemon.stderrText().lines().toList();
        if (!lines.isEmpty()) {
            System.out.println("    " + name + ": " + lines.getLast().replaceFirst("^\\S+Z ", ""));
        }
    }

    private static void say(String text) {
        System.out.println("== " + text);
    }
}
