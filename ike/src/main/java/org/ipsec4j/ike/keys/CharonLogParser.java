package org.ipsec4j.ike.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.crypto.EncryptionTransform;
import org.ipsec4j.ike.crypto.IntegrityTransform;

/**
 * Reads the keys out of strongSwan's charon log written with {@code ike = 4} and {@code chd = 4} (charon dumps
 * every derived key as a chunk: {@code Sk_ei secret => 20 bytes @ 0x…} followed by hex dump lines).
 *
 * <p>What the log gives, and how it is tied together (every line carries charon's thread number, and with
 * {@code ike_name = yes} the IKE SA's name; a key derivation runs on one thread):
 * <ul>
 *   <li><b>IKE SAs</b>: {@code Sk_d} … {@code Sk_pr} in a row. The SPIs are not logged with them; for an IKE SA
 *       from IKE_SA_INIT they are the first 16 bytes of the {@code natd_chunk} (RFC 7296 §2.23 hashes SPIi |
 *       SPIr | address | port) that charon dumps while processing the response, so the last such chunk with both
 *       SPIs of the same IKE SA name goes with the next key set. The IKE SA of a rekey has no NAT-D: its keys
 *       come out with SPIs 0 and {@link IkeDecryptor} finds their SA by trying them. The algorithm is the
 *       {@code selected proposal: IKE:…} line ({@code cfg = 2}); without it, it is inferred from the key
 *       lengths (a 36-byte SK_e is AES-GCM-256 or ChaCha20-Poly1305: both are kept as candidates). A responder
 *       logs the keys of a rekey under the new IKE SA's name and the proposal under the old one's: the proposal
 *       selected last on the same thread counts first.</li>
 *   <li><b>Child SAs</b>: {@code encryption initiator key}, {@code encryption responder key}, {@code integrity
 *       …}, after {@code using AES_GCM_16 for encryption} (and {@code … for integrity}), then {@code adding
 *       inbound ESP SA} / {@code adding outbound ESP SA} each followed by {@code SPI 0x…, src A dst B}. The
 *       initiator's keys protect what the initiator of the exchange sends (§2.17): if charon's last {@code
 *       parsed … response} on that thread says it initiated, its outbound SA has the initiator's keys, and after
 *       a {@code parsed … request} its inbound SA has them. ESN comes from {@code selected proposal: ESP:…}.</li>
 * </ul>
 * Keys this implementation has no cipher for are skipped with a note.
 */
final class CharonLogParser {

    /** The thread number and group in front of every message, then the optional IKE SA name. */
    private static final Pattern PREFIX = Pattern.compile("(?:^|\\s)(\\d{1,5})\\[([A-Z]{3})\\] (?:<([^>]*)> )?(.*)$");
    private static final Pattern CHUNK = Pattern.compile("^(.*?) => (\\d+) bytes @ (?:0x)?[0-9a-fA-F]+\\s*$");
    private static final Pattern DUMP = Pattern.compile("^\\s*(\\d+): (.*)$");
    private static final Pattern PARSED = Pattern.compile("^parsed (\\S+) (request|response) \\d+");
    private static final Pattern USING = Pattern.compile("^\\s*using (\\S+) for (encryption|integrity)\\s*$");
    private static final Pattern SELECTED = Pattern.compile("^selected proposal: (IKE|ESP):(\\S+)");
    private static final Pattern ADDING = Pattern.compile("^(?:adding|registering) (inbound|outbound) ESP SA");
    private static final Pattern SPI = Pattern.compile("^\\s*SPI 0x([0-9a-fA-F]{1,8}), src (\\S+) dst (\\S+)");

    private final String source;
    private final List<IkeSaSecrets> ike;
    private final List<EspSaSecrets> esp;
    private final List<String> notes;
    private final Map<String, ThreadState> threads = new HashMap<>();
    private final Map<String, SaState> sas = new HashMap<>();
    private final Map<Integer, Boolean> espSpisSeen = new HashMap<>();

    private CharonLogParser(String source, List<IkeSaSecrets> ike, List<EspSaSecrets> esp, List<String> notes) {
        this.source = source;
        this.ike = ike;
        this.esp = esp;
        this.notes = notes;
    }

    /** Whether a line looks like charon's log (a thread number and a group in brackets). */
    static boolean recognises(String line) {
        return PREFIX.matcher(line).find();
    }

    static void parse(String source, List<String> lines, List<IkeSaSecrets> ike, List<EspSaSecrets> esp,
                      List<String> notes) {
        CharonLogParser p = new CharonLogParser(source, ike, esp, notes);
        for (int i = 0; i < lines.size(); i++) {
            p.line(i + 1, lines.get(i));
        }
        p.threads.values().forEach(ThreadState::wipe);
    }

    /** What one charon thread is in the middle of. */
    private static final class ThreadState {
        String chunkLabel;
        byte[] chunk;
        int chunkFilled;
        int chunkLine;
        String chunkSa;
        /** The IKE key set being dumped: Sk_ei, Sk_er, Sk_ai, Sk_ar; null outside one. */
        Map<String, byte[]> ikeKeys;
        int ikeLine;
        /** The Child SA keys of the current exchange: "encryption initiator key" and so on. */
        final Map<String, byte[]> childKeys = new HashMap<>();
        String usingEncryption;
        String usingIntegrity;
        /** True after "parsed … response" (we initiated the exchange), false after a request, null before. */
        Boolean initiatedExchange;
        /** "adding inbound/outbound ESP SA" seen, its SPI line next: true inbound, false outbound. */
        Boolean awaitingSpi;
        /**
         * The last "selected proposal: IKE:…" and "…: ESP:…" on this thread: the keys derived next on the same thread
         * are of that proposal, even where charon logs them under the new IKE SA's name (a responder's rekey).
         */
        String ikeProposal;
        String espProposal;

        void clearChild() {
            childKeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
            childKeys.clear();
            usingEncryption = null;
            usingIntegrity = null;
        }

        void wipe() {
            clearChild();
            if (ikeKeys != null) {
                ikeKeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
            }
            if (chunk != null) {
                Arrays.fill(chunk, (byte) 0);
            }
        }
    }

    /** What is known of one IKE SA name ({@code <conn|n>}, or "" without ike_name). */
    private static final class SaState {
        long natdSpiI;
        long natdSpiR;
        String ikeProposal;
        String espProposal;
    }

    private void line(int number, String line) {
        Matcher m = PREFIX.matcher(line);
        if (!m.find()) {
            return;
        }
        String thread = m.group(1);
        String group = m.group(2);
        String sa = m.group(3) == null ? "" : m.group(3);
        String message = m.group(4);
        ThreadState t = threads.computeIfAbsent(thread, k -> new ThreadState());
        if (t.chunk != null) {
            Matcher d = DUMP.matcher(message);
            if (d.matches() && readDumpLine(t, d.group(2))) {
                if (t.chunkFilled == t.chunk.length) {
                    chunkDone(t);
                }
                return;
            }
            // The dump ended early (a truncated log): what was collected is no use.
            Arrays.fill(t.chunk, (byte) 0);
            t.chunk = null;
        }
        Matcher c = CHUNK.matcher(message);
        if (c.matches()) {
            int length;
            try {
                length = Integer.parseInt(c.group(2));
            } catch (NumberFormatException e) {
                return;
            }
            if (length > 4096) {
                return; // no key is that long; a certificate or message dump
            }
            t.chunkLabel = c.group(1).strip();
            t.chunk = new byte[length];
            t.chunkFilled = 0;
            t.chunkLine = number;
            t.chunkSa = sa;
            if (length == 0) {
                chunkDone(t);
            }
            return;
        }
        SaState s = sas.computeIfAbsent(sa, k -> new SaState());
        switch (group) {
            case "ENC" -> {
                Matcher p = PARSED.matcher(message);
                if (p.find()) {
                    t.initiatedExchange = p.group(2).equals("response");
                    t.clearChild();
                }
            }
            case "CFG" -> {
                Matcher p = SELECTED.matcher(message);
                if (p.find()) {
                    if (p.group(1).equals("IKE")) {
                        s.ikeProposal = p.group(2);
                        t.ikeProposal = p.group(2);
                    } else {
                        s.espProposal = p.group(2);
                        t.espProposal = p.group(2);
                    }
                }
            }
            case "CHD" -> chd(number, t, s, message);
            default -> { }
        }
    }

    private void chd(int number, ThreadState t, SaState s, String message) {
        Matcher u = USING.matcher(message);
        if (u.matches()) {
            if (u.group(2).equals("encryption")) {
                t.usingEncryption = u.group(1);
            } else {
                t.usingIntegrity = u.group(1);
            }
            return;
        }
        Matcher a = ADDING.matcher(message);
        if (a.find()) {
            t.awaitingSpi = a.group(1).equals("inbound");
            return;
        }
        Matcher spi = SPI.matcher(message);
        if (spi.find() && t.awaitingSpi != null) {
            boolean inbound = t.awaitingSpi;
            t.awaitingSpi = null;
            int value = (int) Long.parseLong(spi.group(1), 16);
            if (espSpisSeen.containsKey(value)) {
                return; // "registering outbound" then "adding outbound": the same SA twice
            }
            if (t.childKeys.isEmpty()) {
                notes.add(source + ":" + number + ": ESP SA " + String.format("%08x", value)
                        + " without keys before it in the log (chd below 4?), skipped");
                espSpisSeen.put(value, false);
                return;
            }
            espSpisSeen.put(value, true);
            addEsp(number, t, s, value, address(spi.group(2)), address(spi.group(3)), inbound);
        }
    }

    private static IpAddress address(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads the hex pairs of one dump line; false if it is not one. */
    private static boolean readDumpLine(ThreadState t, String rest) {
        int want = Math.min(16, t.chunk.length - t.chunkFilled);
        if (rest.length() < want * 3 - 1) {
            return false;
        }
        for (int i = 0; i < want; i++) {
            int hi = Character.digit(rest.charAt(3 * i), 16);
            int lo = Character.digit(rest.charAt(3 * i + 1), 16);
            if (hi < 0 || lo < 0 || (3 * i + 2 < rest.length() && rest.charAt(3 * i + 2) != ' ')) {
                return false;
            }
            t.chunk[t.chunkFilled++] = (byte) (hi << 4 | lo);
        }
        return true;
    }

    private void chunkDone(ThreadState t) {
        String label = t.chunkLabel;
        byte[] value = t.chunk;
        t.chunk = null;
        SaState s = sas.computeIfAbsent(t.chunkSa, k -> new SaState());
        boolean kept = false;
        switch (label) {
            case "natd_chunk" -> {
                if (value.length >= 16) {
                    long spiI = readLong(value, 0);
                    long spiR = readLong(value, 8);
                    if (spiI != 0 && spiR != 0) {
                        s.natdSpiI = spiI;
                        s.natdSpiR = spiR;
                    }
                }
            }
            case "Sk_d secret" -> {
                startIke(t);
            }
            case "Sk_ai secret", "Sk_ar secret", "Sk_ei secret", "Sk_er secret" -> {
                if (t.ikeKeys == null) {
                    startIke(t);
                }
                byte[] old = t.ikeKeys.put(label.substring(0, 5), value);
                if (old != null) {
                    Arrays.fill(old, (byte) 0);
                }
                kept = true;
            }
            case "Sk_pr secret" -> finishIke(t, s);
            case "encryption initiator key", "encryption responder key", "integrity initiator key",
                 "integrity responder key" -> {
                byte[] old = t.childKeys.put(label, value);
                if (old != null) {
                    Arrays.fill(old, (byte) 0);
                }
                kept = true;
            }
            default -> { }
        }
        if (!kept) {
            Arrays.fill(value, (byte) 0);
        }
    }

    private void startIke(ThreadState t) {
        if (t.ikeKeys != null) {
            t.ikeKeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
        }
        t.ikeKeys = new HashMap<>();
        t.ikeLine = t.chunkLine;
    }

    private void finishIke(ThreadState t, SaState s) {
        Map<String, byte[]> keys = t.ikeKeys;
        t.ikeKeys = null;
        if (keys == null || !keys.containsKey("Sk_ei") || !keys.containsKey("Sk_er")) {
            if (keys != null) {
                keys.values().forEach(k -> Arrays.fill(k, (byte) 0));
            }
            return;
        }
        long spiI = s.natdSpiI;
        long spiR = s.natdSpiR;
        s.natdSpiI = 0; // NAT-D is only in IKE_SA_INIT: a later key set of this name is a rekey's
        s.natdSpiR = 0;
        String proposal = t.ikeProposal != null ? t.ikeProposal : s.ikeProposal;
        t.ikeProposal = null;
        s.ikeProposal = null;
        byte[] ei = keys.get("Sk_ei");
        byte[] er = keys.get("Sk_er");
        byte[] ai = keys.getOrDefault("Sk_ai", new byte[0]);
        byte[] ar = keys.getOrDefault("Sk_ar", new byte[0]);
        List<IkeSaSecrets> candidates = new ArrayList<>();
        List<int[]> choices = ikeCandidates(proposal, ei.length, ai.length);
        for (int[] c : choices) {
            EncryptionTransform enc = EncryptionTransform.values()[c[0]];
            IntegrityTransform integ = IntegrityTransform.values()[c[2]];
            try {
                candidates.add(new IkeSaSecrets(spiI, spiR, enc, c[1], integ, ei.clone(), er.clone(), ai.clone(),
                        ar.clone()));
            } catch (IllegalArgumentException e) {
                // a proposal that does not fit the key lengths: leave it
            }
        }
        if (candidates.isEmpty()) {
            notes.add(source + ":" + t.ikeLine + ": IKE SA keys (SK_e " + ei.length + " bytes, SK_a " + ai.length
                    + " bytes" + (proposal != null ? ", " + proposal : "") + ") with an algorithm ipsec4j cannot"
                    + " decrypt, skipped");
        }
        ike.addAll(candidates);
        for (byte[] k : List.of(ei, er, ai, ar)) {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** {ordinal of EncryptionTransform, key bits, ordinal of IntegrityTransform} choices for the key set. */
    private static List<int[]> ikeCandidates(String proposal, int encLength, int integLength) {
        List<int[]> out = new ArrayList<>();
        if (proposal != null) {
            String[] parts = proposal.split("/");
            int[] bits = new int[1];
            EncryptionTransform enc = KeyLogFormat.ikeEncryption(parts[0], bits);
            IntegrityTransform integ = IntegrityTransform.NONE;
            for (String p : parts) {
                if (p.startsWith("HMAC_") || p.startsWith("AES_XCBC") || p.startsWith("AES_CMAC")) {
                    try {
                        integ = IntegrityTransform.valueOf(p);
                    } catch (IllegalArgumentException e) {
                        integ = null;
                    }
                }
            }
            if (enc != null && integ != null) {
                out.add(new int[] {enc.ordinal(), bits[0], integ.ordinal()});
            }
            return out;
        }
        if (integLength == 0) {
            switch (encLength) {
                case 20 -> out.add(new int[] {EncryptionTransform.AES_GCM_16.ordinal(), 128, 0});
                case 28 -> out.add(new int[] {EncryptionTransform.AES_GCM_16.ordinal(), 192, 0});
                case 36 -> {
                    out.add(new int[] {EncryptionTransform.AES_GCM_16.ordinal(), 256, 0});
                    out.add(new int[] {EncryptionTransform.CHACHA20_POLY1305.ordinal(), 256, 0});
                }
                default -> { }
            }
            return out;
        }
        IntegrityTransform integ = switch (integLength) {
            case 32 -> IntegrityTransform.HMAC_SHA2_256_128;
            case 48 -> IntegrityTransform.HMAC_SHA2_384_192;
            case 64 -> IntegrityTransform.HMAC_SHA2_512_256;
            default -> null;
        };
        if (integ != null && (encLength == 16 || encLength == 24 || encLength == 32)) {
            out.add(new int[] {EncryptionTransform.AES_CBC.ordinal(), encLength * 8, integ.ordinal()});
        }
        return out;
    }

    private void addEsp(int number, ThreadState t, SaState s, int spi, IpAddress src, IpAddress dst,
                        boolean inbound) {
        byte[] encI = t.childKeys.get("encryption initiator key");
        byte[] encR = t.childKeys.get("encryption responder key");
        byte[] intI = t.childKeys.getOrDefault("integrity initiator key", new byte[0]);
        byte[] intR = t.childKeys.getOrDefault("integrity responder key", new byte[0]);
        if (encI == null || encR == null) {
            notes.add(source + ":" + number + ": ESP SA " + String.format("%08x", spi)
                    + " without its encryption keys in the log, skipped");
            return;
        }
        String espProposal = t.espProposal != null ? t.espProposal : s.espProposal;
        List<EspTransform> transforms = espTransforms(t.usingEncryption, t.usingIntegrity, espProposal,
                encI.length, intI.length);
        if (transforms.isEmpty()) {
            notes.add(source + ":" + number + ": ESP SA " + String.format("%08x", spi) + " with "
                    + (t.usingEncryption != null ? t.usingEncryption : "an unknown encryption")
                    + " and a " + encI.length + "-byte key: not an algorithm ipsec4j can decrypt, skipped");
            return;
        }
        boolean esn = espProposal != null && Arrays.asList(espProposal.split("/")).contains("EXT_SEQ");
        // Whose keys: the initiator's protect what the exchange's initiator sends (RFC 7296 §2.17).
        List<Boolean> initiatorKeys = new ArrayList<>();
        if (t.initiatedExchange == null) {
            initiatorKeys.add(true);
            initiatorKeys.add(false);
        } else {
            initiatorKeys.add(t.initiatedExchange != inbound);
        }
        for (boolean useInitiator : initiatorKeys) {
            for (EspTransform transform : transforms) {
                try {
                    esp.add(new EspSaSecrets(spi, src, dst, transform, esn,
                            (useInitiator ? encI : encR).clone(), (useInitiator ? intI : intR).clone()));
                } catch (IllegalArgumentException e) {
                    // lengths that do not fit this candidate
                }
            }
        }
    }

    private static List<EspTransform> espTransforms(String using, String usingIntegrity, String proposal,
                                                    int encLength, int integLength) {
        List<EspTransform> out = new ArrayList<>();
        IntegrityAlgorithm integ = IntegrityAlgorithm.NONE;
        String integName = usingIntegrity;
        if (integName == null && proposal != null) {
            for (String p : proposal.split("/")) {
                if (p.startsWith("HMAC_")) {
                    integName = p;
                }
            }
        }
        if (integName != null) {
            try {
                integ = IntegrityAlgorithm.valueOf(integName);
            } catch (IllegalArgumentException e) {
                return out;
            }
        }
        String enc = using;
        if (enc == null && proposal != null) {
            enc = proposal.split("/")[0].replaceAll("_(128|192|256)$", "");
        }
        List<EncryptionAlgorithm> encs = new ArrayList<>();
        if (enc == null) {
            if (integLength == 0) {
                encs.addAll(aeadByLength(encLength));
            } else if (encLength == 16 || encLength == 24 || encLength == 32) {
                encs.add(EncryptionAlgorithm.valueOf("AES_CBC_" + encLength * 8));
            }
        } else {
            switch (enc) {
                case "AES_GCM_16" -> encs.addAll(aeadByLength(encLength).stream()
                        .filter(a -> a != EncryptionAlgorithm.CHACHA20_POLY1305).toList());
                case "CHACHA20_POLY1305" -> encs.add(EncryptionAlgorithm.CHACHA20_POLY1305);
                case "AES_CBC" -> {
                    if (encLength == 16 || encLength == 24 || encLength == 32) {
                        encs.add(EncryptionAlgorithm.valueOf("AES_CBC_" + encLength * 8));
                    }
                }
                case "3DES_CBC" -> encs.add(EncryptionAlgorithm.TRIPLE_DES_CBC);
                case "NULL" -> encs.add(EncryptionAlgorithm.NULL);
                default -> { }
            }
        }
        for (EncryptionAlgorithm e : encs) {
            try {
                out.add(new EspTransform(e, e.aead() ? IntegrityAlgorithm.NONE : integ));
            } catch (IllegalArgumentException ex) {
                // not a valid pair
            }
        }
        return out;
    }

    private static List<EncryptionAlgorithm> aeadByLength(int length) {
        return switch (length) {
            case 20 -> List.of(EncryptionAlgorithm.AES_GCM_16_128);
            case 28 -> List.of(EncryptionAlgorithm.AES_GCM_16_192);
            case 36 -> List.of(EncryptionAlgorithm.AES_GCM_16_256, EncryptionAlgorithm.CHACHA20_POLY1305);
            default -> List.of();
        };
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }
}
