package org.ipsec4j.ike.auth;

import java.nio.file.Path;

/** A key or certificate file that cannot be read or used; the message names the file and what is wrong. */
public class KeyFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public KeyFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public KeyFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem is with. */
    public Path file() {
        return file;
    }
}
