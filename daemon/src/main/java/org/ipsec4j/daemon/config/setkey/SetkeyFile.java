package org.ipsec4j.daemon.config.setkey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A parsed setkey file: its statements in file order, each with the position where it starts (for the
 * daemon's own messages, e.g. "SPI already in use, from ipsec.conf:12:1").
 */
public record SetkeyFile(String fileName, List<SetkeyStatement> statements, List<SourcePosition> positions) {

    /** Larger files are refused before parsing; a real setkey file is a few kilobytes. */
    public static final int MAX_FILE_BYTES = 4 << 20;

    public SetkeyFile {
        Objects.requireNonNull(fileName, "fileName");
        statements = List.copyOf(statements);
        positions = List.copyOf(positions);
        if (statements.size() != positions.size()) {
            throw new IllegalArgumentException(statements.size() + " statements but " + positions.size()
                    + " positions");
        }
    }

    /** Same as {@link SetkeyParser#parse(String, String)}. */
    public static SetkeyFile parse(String text, String fileName) throws SetkeyException {
        return SetkeyParser.parse(text, fileName);
    }

    /**
     * Reads {@code path} as UTF-8 and parses it. Bytes that are not UTF-8 are an error at their line and
     * column; a file larger than {@link #MAX_FILE_BYTES} or one that cannot be read is an {@link IOException}.
     */
    public static SetkeyFile read(Path path) throws IOException, SetkeyException {
        String fileName = path.toString();
        if (Files.size(path) > MAX_FILE_BYTES) {
            throw new IOException(fileName + ": larger than " + MAX_FILE_BYTES + " bytes; not a setkey file?");
        }
        byte[] bytes = Files.readAllBytes(path);
        return parse(decodeUtf8(bytes, fileName), fileName);
    }

    static String decodeUtf8(byte[] bytes, String fileName) throws SetkeyException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            throw new SetkeyException(fileName, SourcePosition.of(out.toString(), out.length()),
                    "bytes that are not UTF-8 (at byte " + in.position() + ")");
        }
        result = decoder.flush(out);
        if (result.isError()) {
            try {
                result.throwException();
            } catch (CharacterCodingException e) {
                throw new SetkeyException(fileName, 1, 1, "not UTF-8: " + e);
            }
        }
        out.flip();
        return out.toString();
    }

    /** Where statement {@code index} starts. */
    public SourcePosition positionOf(int index) {
        return positions.get(index);
    }

    /** Zeroes every key in the file; call once the daemon has installed the SAs. */
    public void destroyKeys() {
        for (SetkeyStatement statement : statements) {
            if (statement instanceof SetkeyStatement.AddSa sa) {
                sa.destroyKeys();
            }
        }
    }
}
