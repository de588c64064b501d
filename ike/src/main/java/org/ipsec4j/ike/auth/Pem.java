package org.ipsec4j.ike.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * PEM text (RFC 7468, with the RFC 1421 headers OpenSSL writes for encrypted traditional keys): the labelled
 * blocks of a file, anything between them ignored.
 */
final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One block: its label ("CERTIFICATE"), whether its headers say it is encrypted, its DER content. */
    record Block(String label, boolean encrypted, byte[] der) {}

    private Pem() {}

    /** Whether the file content looks like PEM rather than DER. */
    static boolean isPem(byte[] content) {
        return new String(content, StandardCharsets.ISO_8859_1).contains(BEGIN);
    }

    /** All blocks, in order. */
    static List<Block> blocks(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<Block> out = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                continue;
            }
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
            String endLine = END + label + DASHES;
            StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            boolean ended = false;
            for (i++; i < lines.length; i++) {
                String body = lines[i].strip();
                if (body.equals(endLine)) {
                    ended = true;
                    break;
                }
                int colon = body.indexOf(':');
                if (colon > 0) {
                    // An RFC 1421 header such as "Proc-Type: 4,ENCRYPTED" or "DEK-Info: AES-128-CBC,...".
                    String name = body.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    if (name.equals("proc-type") && body.toUpperCase(Locale.ROOT).contains("ENCRYPTED")
                            || name.equals("dek-info")) {
                        encrypted = true;
                    }
                    continue;
                }
                base64.append(body);
            }
            if (!ended) {
                throw new IllegalArgumentException("PEM block \"" + label + "\" has no END line");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString().replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block \"" + label + "\" is not valid base64", e);
            }
            out.add(new Block(label, encrypted, der));
        }
        return out;
    }
}
