package org.ipsec4j.ike.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The IKE and ESP keys of a key log: ipsec4j's own ({@link KeyLogFormat}, the {@code .keys} file of a tunnel
 * dump) or strongSwan's charon log at {@code ike = 4} / {@code chd = 4} ({@link CharonLogParser}); which one is
 * told from the first lines.
 *
 * <pre>{@code
 * KeyLog keys = KeyLog.read(Path.of("home.keys"));
 * IkeDecryptor ike = new IkeDecryptor(keys);
 * EspDecryptor esp = new EspDecryptor(keys);
 * }</pre>
 *
 * A charon log may give the keys of an IKE SA without its SPIs ({@link IkeSaSecrets#spisKnown()} false) and
 * may give more than one candidate for an SA where the log leaves the algorithm or the direction open; the
 * decryptors try the candidates and keep the one whose integrity check passes.
 */
public final class KeyLog {

    /** Where the keys came from. */
    public enum Format { IPSEC4J, CHARON }

    /** A charon log is large (every message is dumped at level 4); keys are a few lines of it. */
    private static final long MAX_FILE_BYTES = 1L << 30;

    private final Format format;
    private final List<IkeSaSecrets> ike;
    private final List<EspSaSecrets> esp;
    private final List<String> notes;

    private KeyLog(Format format, List<IkeSaSecrets> ike, List<EspSaSecrets> esp, List<String> notes) {
        this.format = format;
        this.ike = List.copyOf(ike);
        this.esp = List.copyOf(esp);
        this.notes = List.copyOf(notes);
    }

    /**
     * Reads a key log file.
     *
     * @throws KeyLogException the file is neither format, or an ipsec4j key log has a bad line (named)
     * @throws IOException     it cannot be read
     */
    public static KeyLog read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new KeyLogException(file.toString(), 0, size + " bytes: larger than any key log ipsec4j reads");
        }
        // ISO-8859-1 maps every byte to a character: a charon log with binary noise in it still reads.
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.ISO_8859_1));
    }

    /** Parses key log text; {@code source} names it in errors. */
    public static KeyLog parse(String source, String text) throws KeyLogException {
        return parse(source, text.lines().toList());
    }

    static KeyLog parse(String source, List<String> lines) throws KeyLogException {
        Objects.requireNonNull(source, "source");
        List<IkeSaSecrets> ike = new ArrayList<>();
        List<EspSaSecrets> esp = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Format format = detect(source, lines);
        if (format == Format.IPSEC4J) {
            KeyLogFormat.parse(source, lines, ike, esp);
        } else {
            CharonLogParser.parse(source, lines, ike, esp, notes);
            if (ike.isEmpty() && esp.isEmpty()) {
                notes.add(source + ": a charon log without keys: charon logs them only with ike = 4 and chd = 4"
                        + " (filelog or syslog section of strongswan.conf)");
            }
        }
        return new KeyLog(format, ike, esp, notes);
    }

    private static Format detect(String source, List<String> lines) throws KeyLogException {
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (KeyLogFormat.recognises(line)) {
                return Format.IPSEC4J;
            }
            if (CharonLogParser.recognises(line)) {
                return Format.CHARON;
            }
            throw new KeyLogException(source, 0, "neither an ipsec4j key log (it starts with '"
                    + KeyLogFormat.HEADER + "') nor a charon log (lines like '12[IKE] …')");
        }
        throw new KeyLogException(source, 0, "empty: no keys");
    }

    public Format format() {
        return format;
    }

    /** Every IKE SA key set, in the order of the log. */
    public List<IkeSaSecrets> ikeSas() {
        return ike;
    }

    /** Every ESP SA key set, in the order of the log. */
    public List<EspSaSecrets> espSas() {
        return esp;
    }

    /** The key sets of one IKE SA (usually one; more where the log left the algorithm open). */
    public List<IkeSaSecrets> ike(long spiI, long spiR) {
        return ike.stream().filter(s -> s.spiI() == spiI && s.spiR() == spiR).toList();
    }

    /** The key sets whose IKE SA the log did not name. */
    public List<IkeSaSecrets> ikeWithoutSpis() {
        return ike.stream().filter(s -> !s.spisKnown()).toList();
    }

    /** The key sets of one ESP SA (usually one; more where the log left the direction or algorithm open). */
    public List<EspSaSecrets> esp(int spi) {
        return esp.stream().filter(s -> s.spi() == spi).toList();
    }

    /** What was skipped and why (keys of algorithms ipsec4j cannot decrypt, incomplete dumps), one line each. */
    public List<String> notes() {
        return notes;
    }

    /** Zeroes every key. */
    public void destroy() {
        ike.forEach(IkeSaSecrets::destroy);
        esp.forEach(EspSaSecrets::destroy);
    }

    @Override
    public String toString() {
        return "KeyLog[" + format + ", " + ike.size() + " IKE, " + esp.size() + " ESP key sets]";
    }
}
