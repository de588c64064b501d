package org.ipsec4j.daemon.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.ipsec4j.ike.keys.EspSaSecrets;
import org.ipsec4j.ike.keys.IkeSaSecrets;
import org.ipsec4j.ike.keys.KeyLogFormat;
import org.ipsec4j.ike.keys.WiresharkKeyTables;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.ike.sa.Endpoint;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.Ipv6Packet;
import org.ipsec4j.wire.UdpDatagram;
import org.ipsec4j.wire.pcap.CaptureWriter;
import org.ipsec4j.wire.pcap.LinkType;

/**
 * One running dump of one IKE connection: four pcapng files (raw IP link type) and the keys, written by a thread
 * of its own from a bounded queue, so neither the IKE thread nor a packet thread ever waits for the disk. A
 * packet that finds the queue full is counted and left out; keys are never left out (their producer, the IKE
 * thread, waits for room instead).
 *
 * <pre>
 * DIR/NAME-ike-decrypted.pcapng  each IKE message once, in the clear: SK replaced by its payloads, fragments joined
 * DIR/NAME-ike.pcapng            IKE as on the wire, each datagram (retransmissions, fragments)
 * DIR/NAME-esp.pcapng            the connection's ESP as on the wire, both ways
 * DIR/NAME-inner.pcapng          the packets those SAs carried, in the clear, both ways
 * DIR/NAME.keys                  ipsec4j's key log (KeyLogFormat), mode 0600
 * DIR/NAME-wireshark/            ikev2_decryption_table, esp_sa, preferences: a Wireshark configuration directory
 * </pre>
 *
 * The UDP/IP headers around the IKE messages are built from the addresses and ports the messages went between
 * (the decrypted ones get the non-ESP marker on port 4500 too, so Wireshark reads them as IKE); received ESP in
 * UDP, and raw ESP over IPv6, get headers built from the socket's addresses, so their TTL and identification are
 * not what was on the wire. Keys of SAs negotiated before the dump started are not known (the engine keeps no
 * copy): their traffic is dumped, and the key log says which SPIs have no keys.
 */
public final class TunnelDump {

    /** Which file a packet goes to. */
    enum Kind {
        IKE_DECRYPTED("ike-decrypted"), IKE("ike"), ESP("esp"), INNER("inner");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    private static final int QUEUE = 8192;
    private static final int TTL = 64;

    /** What the writer thread is given. */
    private sealed interface Entry permits Packet, IkeKeys, ChildKeys, Note, End {
    }

    private record Packet(Kind kind, long timestampNanos, byte[] data) implements Entry {
    }

    private record IkeKeys(IkeSaSecrets keys) implements Entry {
    }

    private record ChildKeys(String child, long ikeSpiI, long ikeSpiR, EspSaSecrets outbound, EspSaSecrets inbound)
            implements Entry {
    }

    private record Note(String text) implements Entry {
    }

    private record End() implements Entry {
    }

    /** What a dump wrote, for the answer to {@code dump NAME stop}. */
    public record Summary(String connection, Path directory, List<Path> files, long ikeDecrypted, long ike, long esp,
                          long inner, long ikeSas, long childSas, long dropped) {

        public String text() {
            StringBuilder b = new StringBuilder();
            b.append(connection).append(": dump stopped; ").append(ikeDecrypted).append(" IKE messages in the clear, ")
                    .append(ike).append(" IKE datagrams, ").append(esp).append(" ESP packets, ").append(inner)
                    .append(" inner packets; keys of ").append(ikeSas).append(" IKE SAs and ").append(childSas)
                    .append(" Child SAs\n");
            if (dropped > 0) {
                b.append(dropped).append(" packets left out: the dump could not write them as fast as they came\n");
            }
            for (Path f : files) {
                b.append("  ").append(f).append('\n');
            }
            return b.toString();
        }
    }

    private final String connection;
    private final Path directory;
    private final Consumer<String> log;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final CaptureWriter[] writers = new CaptureWriter[Kind.values().length];
    private final long[] written = new long[Kind.values().length];
    private final OutputStream keyLog;
    private final OutputStream ikev2Table;
    private final OutputStream espTable;
    private final List<Path> files = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    /** SPIs (both directions) whose ESP and inner traffic go into this dump; replaced whole, read by packet threads. */
    private volatile int[] spis = new int[0];
    private long ikeSas;
    private long childSas;
    private volatile boolean closed;
    private volatile Throwable failure;

    private TunnelDump(String connection, Path directory, Consumer<String> log) throws IOException {
        this.connection = connection;
        this.directory = directory;
        this.log = log;
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        try {
            for (Kind k : Kind.values()) {
                Path file = directory.resolve(connection + "-" + k.suffix + ".pcapng");
                CaptureWriter w = CaptureWriter.pcapng(create(file, false));
                w.addInterface(LinkType.RAW, connection + " " + k.suffix, 0);
                w.flush();
                writers[k.ordinal()] = w;
            }
            keyLog = create(directory.resolve(connection + ".keys"), true);
            keyLog.write((KeyLogFormat.HEADER + "\n# keys of connection " + connection + " from "
                    + Instant.now() + " on: whoever holds this file can read the traffic it covers\n")
                    .getBytes(StandardCharsets.US_ASCII));
            keyLog.flush();
            Path wireshark = directory.resolve(connection + "-wireshark");
            if (!Files.isDirectory(wireshark, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(wireshark, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            ikev2Table = create(wireshark.resolve(WiresharkKeyTables.IKEV2_TABLE), true);
            espTable = create(wireshark.resolve(WiresharkKeyTables.ESP_TABLE), true);
            try (OutputStream prefs = create(wireshark.resolve(WiresharkKeyTables.PREFERENCES), false)) {
                prefs.write(("# ipsec4j: decrypt ESP with the keys in esp_sa\n" + WiresharkKeyTables.ESP_PREFERENCES)
                        .getBytes(StandardCharsets.US_ASCII));
            }
            files.add(wireshark);
        } catch (IOException | RuntimeException e) {
            closeFiles();
            throw e;
        }
        this.writer = Thread.ofPlatform().name("ipsec4j-dump-" + connection).daemon().unstarted(this::run);
    }

    /**
     * Creates the files (replacing earlier ones of the same names, never following a symbolic link; the directory,
     * mode 0700, if it is not there) and starts the writer thread.
     *
     * @throws IOException the directory is missing or not writable; the message says which file
     */
    static TunnelDump start(String connection, Path directory, Consumer<String> log) throws IOException {
        TunnelDump dump = new TunnelDump(connection, directory, log);
        dump.writer.start();
        return dump;
    }

    private OutputStream create(Path file, boolean secret) throws IOException {
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r-----"));
        } catch (IOException | UnsupportedOperationException e) {
            out.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        files.add(file);
        return out;
    }

    public String connection() {
        return connection;
    }

    public Path directory() {
        return directory;
    }

    /** The files it writes. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    // ---- from the IKE thread ----

    /** An IKE datagram as on the wire (the non-ESP marker added back where it was). */
    void ikeDatagram(boolean outbound, IkeDatagram d) {
        offer(Kind.IKE, udp(outbound, d.local(), d.remote(), d.data(), d.needsNonEspMarker()));
    }

    /** A whole IKE message in the clear, as an unencrypted message between the same addresses and ports. */
    void ikeMessage(boolean outbound, Endpoint local, Endpoint remote, IkeHeader header, List<Payload> payloads) {
        byte[] message = MessageCodec.encode(header, payloads);
        offer(Kind.IKE_DECRYPTED, udp(outbound, local, remote, message, local.port() != 500));
    }

    /** The keys of a new IKE SA; this dump owns and destroys them. */
    void ikeKeys(IkeSaSecrets keys) {
        put(new IkeKeys(keys));
    }

    /** The keys of a new Child SA pair; its SPIs go into the dump at once. This dump owns and destroys the keys. */
    void childKeys(String child, long ikeSpiI, long ikeSpiR, EspSaSecrets outbound, EspSaSecrets inbound) {
        watch(outbound.spi());
        watch(inbound.spi());
        put(new ChildKeys(child, ikeSpiI, ikeSpiR, outbound, inbound));
    }

    /** The traffic of an SA whose keys are not known (it predates the dump) goes in too. */
    public void watch(int spi) {
        int[] now = spis;
        for (int s : now) {
            if (s == spi) {
                return;
            }
        }
        int[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = spi;
        spis = next;
    }

    /** A comment line in the key log. */
    public void note(String text) {
        put(new Note(text));
    }

    // ---- from the packet threads ----

    /** Whether packets of this SPI belong to the dump. */
    public boolean watches(int spi) {
        for (int s : spis) {
            if (s == spi) {
                return true;
            }
        }
        return false;
    }

    /** An outer ESP packet as it leaves or arrived, with its IP header. */
    public void esp(byte[] b, int off, int len) {
        offer(Kind.ESP, Arrays.copyOfRange(b, off, off + len));
    }

    /**
     * A received ESP packet without its IP header (a UDP payload, or what an IPv6 raw socket gives): headers
     * are built around it from the addresses, with UDP when {@code sourcePort} is not negative.
     */
    public void espReceived(IpAddress source, int sourcePort, IpAddress destination, int destinationPort, byte[] b,
                            int off, int len) {
        byte[] esp = Arrays.copyOfRange(b, off, off + len);
        if (sourcePort >= 0) {
            offer(Kind.ESP, udp(source, sourcePort, destination, destinationPort, esp, false));
        } else if (source.family() == IpFamily.IPV6) {
            byte[] packet = new byte[Ipv6Packet.HEADER_LENGTH + len];
            Ipv6Packet.writeHeader(packet, 0, 0, 0, len, IpProtocol.ESP, TTL, source.toBytes(), 0,
                    destination.toBytes(), 0);
            System.arraycopy(esp, 0, packet, Ipv6Packet.HEADER_LENGTH, len);
            offer(Kind.ESP, packet);
        }
    }

    /** An inner packet, in the clear, as it went into an SA or came out of one. */
    public void inner(byte[] b, int off, int len) {
        offer(Kind.INNER, Arrays.copyOfRange(b, off, off + len));
    }

    // ---- building packets ----

    private static byte[] udp(boolean outbound, Endpoint local, Endpoint remote, byte[] payload, boolean marker) {
        Endpoint from = outbound ? local : remote;
        Endpoint to = outbound ? remote : local;
        return udp(from.address(), from.port(), to.address(), to.port(), payload, marker);
    }

    /** An IPv4 or IPv6 packet with UDP (checksums computed) around {@code payload}, after a non-ESP marker. */
    static byte[] udp(IpAddress source, int sourcePort, IpAddress destination, int destinationPort, byte[] payload,
                      boolean marker) {
        int m = marker ? 4 : 0;
        boolean v4 = source.family() == IpFamily.IPV4;
        int header = (v4 ? 20 : Ipv6Packet.HEADER_LENGTH) + UdpDatagram.HEADER_LENGTH;
        int length = m + payload.length;
        if (length > 0xFFFF - header) {
            length = 0xFFFF - header; // cannot be: an IKE message or ESP packet is one datagram
        }
        byte[] packet = new byte[header + length];
        System.arraycopy(payload, 0, packet, header + m, length - m);
        if (v4) {
            UdpDatagram.writeIpv4(packet, 0, source.ipv4Value(), destination.ipv4Value(), sourcePort, destinationPort,
                    TTL, 0, true, length);
        } else {
            UdpDatagram.writeIpv6(packet, 0, source.toBytes(), 0, destination.toBytes(), 0, sourcePort,
                    destinationPort, TTL, length);
        }
        return packet;
    }

    // ---- the queue ----

    private void offer(Kind kind, byte[] packet) {
        if (closed || !queue.offer(new Packet(kind, now(), packet))) {
            dropped.incrementAndGet();
        }
    }

    /** Keys and notes wait for room: the key log must be complete. */
    private void put(Entry e) {
        if (closed) {
            destroy(e);
            return;
        }
        try {
            if (!queue.offer(e, 5, TimeUnit.SECONDS)) {
                log.accept("dump " + connection + ": the writer is stuck; keys of an SA left out of the key log");
                destroy(e);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            destroy(e);
        }
    }

    private static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private void run() {
        try {
            while (true) {
                Entry e = queue.poll(200, TimeUnit.MILLISECONDS);
                if (e == null) {
                    for (CaptureWriter w : writers) {
                        w.flush(); // readable while the dump runs
                    }
                    continue;
                }
                if (e instanceof End) {
                    return;
                }
                write(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
            log.accept("dump " + connection + " stopped writing: " + e.getMessage());
            Entry left;
            while ((left = queue.poll()) != null) {
                destroy(left);
            }
        }
    }

    private void write(Entry e) throws IOException {
        switch (e) {
            case Packet p -> {
                writers[p.kind().ordinal()].write(0, p.timestampNanos(), p.data());
                written[p.kind().ordinal()]++;
            }
            case IkeKeys k -> {
                try {
                    writeSecret(keyLog, KeyLogFormat.ikeLine(k.keys(), connection));
                    byte[] row = WiresharkKeyTables.ikev2Row(k.keys());
                    if (row != null) {
                        writeSecret(ikev2Table, row);
                    } else {
                        writeSecret(keyLog, ("# Wireshark cannot decrypt " + k.keys().encryptionName()
                                + ": no ikev2_decryption_table row\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    ikeSas++;
                } finally {
                    k.keys().destroy();
                }
            }
            case ChildKeys c -> {
                try {
                    for (EspSaSecrets s : List.of(c.outbound(), c.inbound())) {
                        writeSecret(keyLog, KeyLogFormat.espLine(s, connection, c.child(), c.ikeSpiI(), c.ikeSpiR()));
                        byte[] row = WiresharkKeyTables.espRow(s);
                        if (row != null) {
                            writeSecret(espTable, row);
                        }
                    }
                    childSas++;
                } finally {
                    c.outbound().destroy();
                    c.inbound().destroy();
                }
            }
            case Note n -> writeSecret(keyLog, ("# " + n.text() + "\n").getBytes(StandardCharsets.UTF_8));
            case End end -> { }
        }
    }

    /** Writes and flushes a line (keys go to disk at once), then zeroes it. */
    private static void writeSecret(OutputStream out, byte[] line) throws IOException {
        try {
            out.write(line);
            out.flush();
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    private static void destroy(Entry e) {
        switch (e) {
            case IkeKeys k -> k.keys().destroy();
            case ChildKeys c -> {
                c.outbound().destroy();
                c.inbound().destroy();
            }
            default -> { }
        }
    }

    /** Stops taking packets, writes what is queued, closes the files. Call it once it is detached. */
    public Summary close() {
        if (!closed) {
            closed = true;
            try {
                if (!queue.offer(new End(), 5, TimeUnit.SECONDS)) {
                    writer.interrupt();
                }
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Entry left;
            while ((left = queue.poll()) != null) {
                destroy(left);
            }
            closeFiles();
        }
        return new Summary(connection, directory, files, written[0], written[1], written[2], written[3], ikeSas,
                childSas, dropped.get());
    }

    private void closeFiles() {
        for (CaptureWriter w : writers) {
            if (w != null) {
                try {
                    w.close();
                } catch (IOException e) {
                    log.accept("dump " + connection + ": closing a capture file: " + e.getMessage());
                }
            }
        }
        for (OutputStream o : new OutputStream[] {keyLog, ikev2Table, espTable}) {
            if (o != null) {
                try {
                    o.close();
                } catch (IOException e) {
                    log.accept("dump " + connection + ": closing a key file: " + e.getMessage());
                }
            }
        }
    }

    /** Why the writer stopped early, or null. */
    Throwable failure() {
        return failure;
    }
}
