package org.ipsec4j.daemon.control;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The control socket's line protocol. A client connects to the Unix-domain socket, sends one request line and
 * reads the {@link ControlResponse} until the daemon closes the connection.
 *
 * <pre>
 *   status          the status as text
 *   status json     the status as JSON
 *   reload          re-read the setkey file the daemon was started with; all or nothing
 *   version         the daemon's version
 *   up NAME [child CHILD] [timeout SECONDS]      initiate an IKE connection (its first child, or CHILD) and wait
 *   down NAME [timeout SECONDS]                  delete the IKE SAs of a connection and wait for the peer
 *   rekey NAME ike|child CHILD [timeout SECONDS] rekey the IKE SA or a Child SA and wait
 *   dump NAME [rekey] dir DIRECTORY              start a tunnel dump of an IKE connection into DIRECTORY (an
 *                                                absolute path, the rest of the line); rekey: rekey its SAs so
 *                                                their keys go into the key log
 *   dump NAME stop                               stop it and close its files
 * </pre>
 *
 * IKE commands answer {@code ok} with the connection's events and a summary, or {@code error SUMMARY} with the
 * events as the body.
 */
public final class ControlProtocol {

    /** Where the daemon listens unless told otherwise ({@code --control}). */
    public static final Path DEFAULT_PATH = Path.of("/run/ipsec4j/control.sock");

    public static final String STATUS = "status";
    public static final String STATUS_JSON = "status json";
    public static final String RELOAD = "reload";
    public static final String VERSION = "version";

    /** A request line longer than this is refused (a request is a word or two, or a path: PATH_MAX and a bit). */
    public static final int MAX_REQUEST_BYTES = 4096 + 256;

    /** How long {@code up}, {@code down} and {@code rekey} wait unless told. */
    public static final Duration DEFAULT_IKE_TIMEOUT = Duration.ofSeconds(30);

    private ControlProtocol() {}

    /** One of the IKE commands, as a request line and back. */
    public record IkeCommand(Verb verb, String connection, String child, Duration timeout) {

        public enum Verb { UP, DOWN, REKEY }

        public IkeCommand {
            Objects.requireNonNull(verb, "verb");
            checkName(connection, "connection");
            if (child != null) {
                checkName(child, "child");
            }
            if (verb == Verb.DOWN && child != null) {
                throw new IllegalArgumentException("down takes a connection, not a child");
            }
            if (timeout == null) {
                timeout = DEFAULT_IKE_TIMEOUT;
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 3600) {
                throw new IllegalArgumentException("a timeout is 1..3600 seconds");
            }
        }

        /** A name as swanctl.conf sections have them: no blanks, nothing that would break the line. */
        static void checkName(String name, String what) {
            if (name == null || name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > 0x20
                    && c < 0x7F)) {
                throw new IllegalArgumentException("a " + what + " name is 1..64 printable characters without "
                        + "blanks, not '" + name + "'");
            }
        }

        public String requestLine() {
            StringBuilder line = new StringBuilder(verb.name().toLowerCase(Locale.ROOT)).append(' ')
                    .append(connection);
            if (verb == Verb.REKEY) {
                line.append(child == null ? " ike" : " child " + child);
            } else if (child != null) {
                line.append(" child ").append(child);
            }
            if (!timeout.equals(DEFAULT_IKE_TIMEOUT)) {
                line.append(" timeout ").append(timeout.toSeconds());
            }
            return line.toString();
        }

        /**
         * The command in a request line, or null if the line is not an IKE command.
         *
         * @throws IllegalArgumentException an IKE command with wrong arguments (the message says which)
         */
        public static IkeCommand parse(String line) {
            String[] words = line.strip().split(" +");
            Verb verb = switch (words[0]) {
                case "up" -> Verb.UP;
                case "down" -> Verb.DOWN;
                case "rekey" -> Verb.REKEY;
                default -> null;
            };
            if (verb == null) {
                return null;
            }
            String usage = switch (verb) {
                case UP -> "up NAME [child CHILD] [timeout SECONDS]";
                case DOWN -> "down NAME [timeout SECONDS]";
                case REKEY -> "rekey NAME ike|child CHILD [timeout SECONDS]";
            };
            if (words.length < 2) {
                throw new IllegalArgumentException("expected " + usage);
            }
            String child = null;
            Duration timeout = null;
            boolean ike = false;
            for (int i = 2; i < words.length; i++) {
                switch (words[i]) {
                    case "child" -> {
                        if (verb == Verb.DOWN || i + 1 >= words.length || child != null || ike) {
                            throw new IllegalArgumentException("expected " + usage);
                        }
                        child = words[++i];
                    }
                    case "ike" -> {
                        if (verb != Verb.REKEY || child != null || ike) {
                            throw new IllegalArgumentException("expected " + usage);
                        }
                        ike = true;
                    }
                    case "timeout" -> {
                        if (i + 1 >= words.length || timeout != null) {
                            throw new IllegalArgumentException("expected " + usage);
                        }
                        try {
                            timeout = Duration.ofSeconds(Long.parseLong(words[++i]));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("a timeout is a number of seconds, not '" + words[i]
                                    + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("expected " + usage + ", not '" + words[i] + "'");
                }
            }
            if (verb == Verb.REKEY && !ike && child == null) {
                throw new IllegalArgumentException("expected " + usage);
            }
            return new IkeCommand(verb, words[1], child, timeout);
        }
    }

    /** {@code dump NAME [rekey] dir DIRECTORY} (directory non-null) or {@code dump NAME stop} (directory null). */
    public record DumpCommand(String connection, Path directory, boolean rekey) {

        private static final String USAGE = "dump NAME [rekey] dir DIRECTORY | dump NAME stop";

        public DumpCommand {
            IkeCommand.checkName(connection, "connection");
            if (directory != null && !directory.isAbsolute()) {
                throw new IllegalArgumentException("the dump directory must be an absolute path, not '" + directory
                        + "'");
            }
            if (directory == null && rekey) {
                throw new IllegalArgumentException("expected " + USAGE);
            }
        }

        public String requestLine() {
            return directory == null ? "dump " + connection + " stop"
                    : "dump " + connection + (rekey ? " rekey" : "") + " dir " + directory;
        }

        /**
         * The command in a request line, or null if the line is not a dump command.
         *
         * @throws IllegalArgumentException a dump command with wrong arguments
         */
        public static DumpCommand parse(String line) {
            if (!line.startsWith("dump ") && !line.equals("dump")) {
                return null;
            }
            String[] words = line.split(" ", 3);
            if (words.length < 3) {
                throw new IllegalArgumentException("expected " + USAGE);
            }
            String connection = words[1];
            String rest = words[2];
            if (rest.equals("stop")) {
                return new DumpCommand(connection, null, false);
            }
            boolean rekey = false;
            if (rest.startsWith("rekey ")) {
                rekey = true;
                rest = rest.substring("rekey ".length());
            }
            if (!rest.startsWith("dir ") || rest.length() == "dir ".length()) {
                throw new IllegalArgumentException("expected " + USAGE);
            }
            String directory = rest.substring("dir ".length());
            if (directory.indexOf('\0') >= 0 || directory.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a directory name without NUL or newline");
            }
            try {
                return new DumpCommand(connection, Path.of(directory), rekey);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("not a path: " + e.getMessage());
            }
        }
    }
}
