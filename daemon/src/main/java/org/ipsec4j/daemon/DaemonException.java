package org.ipsec4j.daemon;

/** The daemon cannot start; the message is one line that says why (and the command prints just that). */
public final class DaemonException extends Exception {

    /** What went wrong, which sets the exit status. */
    public enum Kind {
        /** The setkey file is missing, unreadable or wrong. */
        CONFIGURATION,
        /** The TUN device, a socket, a route or the control socket could not be set up. */
        SYSTEM
    }

    private final Kind kind;

    public DaemonException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
