package org.ipsec4j.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.ipsec4j.daemon.control.ControlClient;
import org.ipsec4j.daemon.control.ControlProtocol;
import org.ipsec4j.daemon.control.ControlResponse;
import org.ipsec4j.lab.BackgroundProcess;
import org.ipsec4j.lab.Namespace;

/** An {@code ipsec4j daemon} running in a lab namespace, in its own JVM, with its control socket. */
final class DaemonProcess implements AutoCloseable {

    private final BackgroundProcess process;
    private final Path control;

    private DaemonProcess(BackgroundProcess process, Path control) {
        this.process = process;
        this.control = control;
    }

    /** The java command line of {@code ipsec4j ARGUMENTS}, run with this JVM's java and class path. */
    static List<String> command(List<String> jvmOptions, String... arguments) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", codeLocation(Main.class) + File.pathSeparator
                + System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static String codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a daemon without waiting for it. Its state directory, unless the arguments name one, is
     * {@link #stateDirectory} of the control socket: the test's own, and the same again for a daemon restarted
     * on the same control socket.
     */
    static DaemonProcess launch(Namespace namespace, Path setkey, Path control, List<String> jvmOptions,
            String... extraArguments) {
        List<String> arguments = new ArrayList<>(List.of("--setkey", setkey.toString()));
        arguments.addAll(List.of(extraArguments));
        return launchDaemon(namespace, control, jvmOptions, arguments.toArray(String[]::new));
    }

    /** {@code ipsec4j daemon --control CONTROL ARGUMENTS} (with {@code --conf}, {@code --setkey} or both). */
    static DaemonProcess launchDaemon(Namespace namespace, Path control, List<String> jvmOptions,
            String... daemonArguments) {
        List<String> extraArguments = List.of(daemonArguments);
        List<String> arguments = new ArrayList<>(List.of("daemon", "--control", control.toString()));
        if (!extraArguments.contains("--state-dir")) {
            arguments.addAll(List.of("--state-dir", stateDirectory(control).toString()));
        }
        arguments.addAll(extraArguments);
        List<String> command = command(jvmOptions, arguments.toArray(String[]::new));
        return new DaemonProcess(namespace.start(command.toArray(String[]::new)), control);
    }

    /** The state directory of the daemon on this control socket: {@code left.sock} -> {@code left.state}. */
    static Path stateDirectory(Path control) {
        return control.resolveSibling(control.getFileName().toString().replaceFirst("\\.sock$", "") + ".state");
    }

    /** Starts a daemon and waits until it says it is ready. */
    static DaemonProcess start(Namespace namespace, Path setkey, Path control, String... extraArguments) {
        DaemonProcess daemon = launch(namespace, setkey, control, List.of("-Xmx256m"), extraArguments);
        daemon.awaitReady();
        return daemon;
    }

    void awaitReady() {
        process.awaitStderrLine("ready:", Duration.ofSeconds(40));
    }

    BackgroundProcess process() {
        return process;
    }

    Path control() {
        return control;
    }

    long pid() {
        return process.pid();
    }

    ControlResponse request(String request) {
        try {
            return ControlClient.request(control, request);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage() + "\ndaemon said:\n" + process.stderrText(), e);
        }
    }

    /** {@code status --json}, parsed. */
    Map<String, Object> statusJson() {
        ControlResponse response = request(ControlProtocol.STATUS_JSON);
        if (!response.ok()) {
            throw new IllegalStateException("status failed: " + response.message());
        }
        return MinimalJson.object(MinimalJson.parse(response.body()));
    }

    /** The SA with this SPI from a parsed status. */
    static Map<String, Object> sa(Map<String, Object> status, int spi) {
        String text = String.format("0x%08x", spi);
        return MinimalJson.array(status.get("sas")).stream().map(MinimalJson::object)
                .filter(sa -> text.equals(sa.get("spi"))).findFirst()
                .orElseThrow(() -> new AssertionError("no SA " + text + " in " + status.get("sas")));
    }

    String stderr() {
        return process.stderrText();
    }

    /** SIGTERM; returns the exit status. */
    int stop() {
        process.stop();
        return process.waitFor(Duration.ofSeconds(10));
    }

    /** SIGKILL: the daemon vanishes as a crashed host would, telling nobody and removing nothing itself. */
    void kill() {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        process.close();
    }
}
