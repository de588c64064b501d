package org.ipsec4j.daemon.state;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.selector.IpAddress;

/**
 * One state file: the reservation of one outbound SA. Text, one field per line, so that people can read it:
 *
 * <pre>
 * # ipsec4j: sequence numbers reserved by an outbound SA; see README, "State directory"
 * format 1
 * sa esp 0x00001001 192.0.2.2
 * key-salt 5f0c...            (32 random bytes, hex)
 * key-hmac-sha256 9a71...     (HMAC-SHA-256 of the SA's keys under the salt, hex)
 * reserved-through 1048576    (numbers up to this may have been sent)
 * </pre>
 *
 * Lines starting with {@code #} and blank lines are ignored; every field must be there once.
 *
 * @param reservedThrough the highest sequence number that may have been used under these keys
 */
public record SequenceStateFile(SequenceStateKey key, KeyFingerprint fingerprint, long reservedThrough) {

    public static final int FORMAT = 1;
    private static final HexFormat HEX = HexFormat.of();

    public SequenceStateFile {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (reservedThrough < 0) {
            throw new IllegalArgumentException("negative reservation " + reservedThrough);
        }
    }

    public String format() {
        return "# ipsec4j: sequence numbers reserved by an outbound SA; see README, \"State directory\"\n"
                + "format " + FORMAT + "\n"
                + "sa " + key.protocolName() + " " + key.spiText() + " " + key.destination() + "\n"
                + "key-salt " + HEX.formatHex(fingerprint.salt()) + "\n"
                + "key-hmac-sha256 " + HEX.formatHex(fingerprint.hash()) + "\n"
                + "reserved-through " + reservedThrough + "\n";
    }

    /**
     * @param file for messages only
     * @throws StateFileException naming the line, for anything but a complete, well-formed file
     */
    public static SequenceStateFile parse(String text, Path file) throws StateFileException {
        SequenceStateKey key = null;
        byte[] salt = null;
        byte[] hash = null;
        long reserved = -1;
        boolean formatSeen = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            try {
                switch (words[0]) {
                    case "format" -> {
                        expectWords(words, 2, file, number);
                        if (!words[1].equals(String.valueOf(FORMAT))) {
                            throw new StateFileException(file, number, "format " + words[1] + " is not " + FORMAT
                                    + ", the one this ipsec4j reads");
                        }
                        formatSeen = once(formatSeen, file, number, "format");
                    }
                    case "sa" -> {
                        expectWords(words, 4, file, number);
                        once(key != null, file, number, "sa");
                        key = new SequenceStateKey(protocol(words[1], file, number),
                                Long.decode(words[2]), IpAddress.parse(words[3]));
                    }
                    case "key-salt" -> {
                        expectWords(words, 2, file, number);
                        once(salt != null, file, number, "key-salt");
                        salt = HEX.parseHex(words[1]);
                    }
                    case "key-hmac-sha256" -> {
                        expectWords(words, 2, file, number);
                        once(hash != null, file, number, "key-hmac-sha256");
                        hash = HEX.parseHex(words[1]);
                    }
                    case "reserved-through" -> {
                        expectWords(words, 2, file, number);
                        once(reserved >= 0, file, number, "reserved-through");
                        reserved = Long.parseLong(words[1]);
                        if (reserved < 0) {
                            throw new StateFileException(file, number, "negative reservation");
                        }
                    }
                    default -> throw new StateFileException(file, number, "unknown field '" + words[0] + "'");
                }
            } catch (IllegalArgumentException e) { // numbers, hex, addresses
                throw new StateFileException(file, number, "bad value: " + e.getMessage());
            }
        }
        if (!formatSeen || key == null || salt == null || hash == null || reserved < 0) {
            throw new StateFileException(file, 0, "incomplete: format, sa, key-salt, key-hmac-sha256 and "
                    + "reserved-through are all needed");
        }
        try {
            return new SequenceStateFile(key, new KeyFingerprint(salt, hash), reserved);
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, 0, e.getMessage());
        }
    }

    private static void expectWords(String[] words, int count, Path file, int line) throws StateFileException {
        if (words.length != count) {
            throw new StateFileException(file, line, "'" + words[0] + "' takes " + (count - 1) + " value"
                    + (count == 2 ? "" : "s"));
        }
    }

    private static boolean once(boolean seen, Path file, int line, String field) throws StateFileException {
        if (seen) {
            throw new StateFileException(file, line, "'" + field + "' appears twice");
        }
        return true;
    }

    private static SecurityProtocol protocol(String word, Path file, int line) throws StateFileException {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "esp" -> SecurityProtocol.ESP;
            case "ah" -> SecurityProtocol.AH;
            default -> throw new StateFileException(file, line, "protocol '" + word + "' is neither esp nor ah");
        };
    }
}
