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
 * The main job ({@code bin/demo}): a real IPsec tunnel between two network namespaces, keyed from the built-in
 * setkey file {@code tunnel-demo.setkey} (AES-GCM-128, tunnel mode, ESP in UDP port 4500).
 *
 * <pre>
 *   left 192.0.2.1 ------------ veth ------------ right 192.0.2.2
 *   inner 10.0.1.1                                inner 10.0.2.1
 *   ipsec4j daemon                                ipsec4j daemon
 * </pre>
 *
 * Starts one {@code ipsec4j daemon} in each namespace, pings 10.0.2.1 from 10.0.1.1 through the tunnel, shows
 * {@code ipsec4j status} of both sides, stops the daemons (which remove their TUN devices, routes and rules)
 * and deletes the namespaces.
 *
 * <p>Usage: {@code TunnelDemo PATH-TO-bin/ipsec4j} (as root).
 */
public final class TunnelDemo {

    static final String SETKEY_RESOURCE = "tunnel-demo.setkey";
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

    /** The built-in setkey file, as shipped. */
    public static String setkeyText() {
        try (InputStream in = TunnelDemo.class.getResourceAsStream(SETKEY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SETKEY_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int run(Path ipsec4j) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("ipsec4j-demo-");
        Path setkey = work.resolve("tunnel-demo.setkey");
        Files.writeString(setkey, setkeyText());
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
            say("Both run 'ipsec4j daemon' keyed from the built-in setkey file (AES-GCM-128, tunnel mode, ESP in "
                    + "UDP 4500):");
            System.out.println();
            setkeyText().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> System.out.println("    " + l));
            System.out.println();

            BackgroundProcess leftDaemon = startDaemon(left, ipsec4j, setkey, leftControl);
            BackgroundProcess rightDaemon = startDaemon(right, ipsec4j, setkey, rightControl);
            say("Daemons ready. Ping " + RIGHT_INNER + " from " + LEFT_INNER + " through the tunnel:");
            CommandResult ping = left.exec("ping", "-n", "-c", "3", "-i", "0.3", "-W", "2", "-I", LEFT_INNER,
                    RIGHT_INNER);
            System.out.println();
            ping.stdout().lines().forEach(l -> System.out.println("    " + l));
            System.out.println();
            say("Status of the left daemon ('ipsec4j status'):");
            System.out.println();
            System.out.println(status(ipsec4j, leftControl));
            say("Status of the right daemon:");
            System.out.println();
            System.out.println(status(ipsec4j, rightControl));
            say("Stopping both daemons (SIGTERM): each removes its TUN device, routes, rule and control socket.");
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
            for (Path p : List.of(setkey, leftControl, rightControl, work)) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static BackgroundProcess startDaemon(Namespace namespace, Path ipsec4j, Path setkey, Path control) {
        BackgroundProcess daemon = namespace.start(ipsec4j.toString(), "daemon", "--setkey", setkey.toString(),
                "--control", control.toString());
        daemon.awaitStderrLine("ready:", START_TIMEOUT);
        return daemon;
    }

    private static String status(Path ipsec4j, Path control) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ipsec4j.toString(), "status", "--control", control.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
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
