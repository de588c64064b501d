package org.ipsec4j.daemon.control;

import java.nio.file.Path;

/**
 * The control socket's line protocol. A client connects to the Unix-domain socket, sends one request line and
 * reads the {@link ControlResponse} until the daemon closes the connection.
 *
 * <pre>
 *   status          the status as text
 *   status json     the status as JSON
 *   reload          re-read the setkey file the daemon was started with; all or nothing
 *   version         the daemon's version
 * </pre>
 */
public final class ControlProtocol {

    /** Where the daemon listens unless told otherwise ({@code --control}). */
    public static final Path DEFAULT_PATH = Path.of("/run/ipsec4j/control.sock");

    public static final String STATUS = "status";
    public static final String STATUS_JSON = "status json";
    public static final String RELOAD = "reload";
    public static final String VERSION = "version";

    /** A request line longer than this is refused (a request is a word or two). */
    public static final int MAX_REQUEST_BYTES = 256;

    private ControlProtocol() {}
}
