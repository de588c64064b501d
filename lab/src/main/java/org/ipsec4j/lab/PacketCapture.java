package org.ipsec4j.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump writing a pcap file of one interface in a namespace. Created only once tcpdump says it is
 * listening, so traffic sent afterwards is in the file; {@link #stop()} ends it cleanly so the file is complete.
 */
public final class PacketCapture implements AutoCloseable {

    private static final Pattern CAPTURED = Pattern.compile("(\\d+) packets? captured");
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");
    /** Lets packets already on the wire reach tcpdump before it is told to stop. */
    private static final Duration SETTLE = Duration.ofMillis(200);

    private final BackgroundProcess tcpdump;
    private final Path file;
    private boolean stopped;

    PacketCapture(BackgroundProcess tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Stops tcpdump (SIGTERM: it flushes and closes the file and reports its statistics) and returns the file.
     * Idempotent.
     */
    public Path stop() {
        if (!stopped) {
            stopped = true;
            try {
                Thread.sleep(SETTLE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tcpdump.stop();
        }
        return file;
    }

    /** The packet count tcpdump reported when it stopped, or -1 if it did not report one. */
    public int packetsCaptured() {
        Matcher m = CAPTURED.matcher(tcpdump.stderrText());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The packets tcpdump reported as dropped by the kernel (its buffer overflowed while the machine was busy), or
     * -1 if it did not report the figure. A capture with drops is missing packets that did cross the interface.
     */
    public int packetsDroppedByKernel() {
        Matcher m = DROPPED.matcher(tcpdump.stderrText());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** tcpdump's standard error: the "listening on" banner, its statistics, any complaint. */
    public String tcpdumpOutput() {
        return tcpdump.stderrText();
    }

    @Override
    public void close() {
        stop();
    }
}
