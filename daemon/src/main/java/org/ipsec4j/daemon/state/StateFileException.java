package org.ipsec4j.daemon.state;

import java.io.IOException;
import java.nio.file.Path;

/** A state file that exists but cannot be read as one: its reservation is unknown, so its SA must not start. */
public final class StateFileException extends IOException {

    public StateFileException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
