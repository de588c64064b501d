package org.ipsec4j.daemon.config.setkey;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The contract between a setkey file and whatever holds the SAD and SPD (the daemon implements it): a file
 * is loaded all or nothing. {@link #load} parses the whole file, validates it as a whole, lets the
 * implementation {@link #check} it against what is loaded now, and only then {@link #apply applies} it in one
 * step. A bad file therefore gets a {@link SetkeyException} with line and column and changes nothing already
 * loaded.
 */
public interface SetkeyLoader {

    /**
     * Checks a parsed, validated file against the state loaded now, changing nothing: for example that no
     * added SA reuses the SPI of a live SA (unless the file deletes or flushes it first), and that every
     * algorithm is one the data plane runs and policy allows (3DES and HMAC-MD5 only when enabled). Problems
     * are reported at {@link SetkeyFile#positionOf the statement's position}.
     */
    void check(SetkeyFile file) throws SetkeyException;

    /**
     * Applies every statement in order as one step, e.g. by building the new SAD and SPD beside the live ones
     * and swapping them in. Called only after {@link #check} passed, and must not fail halfway. The
     * implementation should {@link SetkeyFile#destroyKeys() zero the file's keys} once they are installed.
     */
    void apply(SetkeyFile file);

    /** Parse, validate, check, apply; the first problem throws and nothing is applied. */
    default SetkeyFile load(String text, String fileName) throws SetkeyException {
        SetkeyFile file = SetkeyParser.parse(text, fileName);
        SetkeyValidator.validate(file);
        check(file);
        apply(file);
        return file;
    }

    /** As {@link #load(String, String)}, reading the file as UTF-8 first. */
    default SetkeyFile load(Path path) throws IOException, SetkeyException {
        SetkeyFile file = SetkeyFile.read(path);
        SetkeyValidator.validate(file);
        check(file);
        apply(file);
        return file;
    }
}
