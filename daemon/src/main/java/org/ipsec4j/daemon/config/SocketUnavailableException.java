package org.ipsec4j.daemon.config;

/** A socket the configuration needs cannot be opened (port in use, no permission); the message says which. */
public final class SocketUnavailableException extends Exception {

    private final OuterSocket socket;

    public SocketUnavailableException(OuterSocket socket, String message, Throwable cause) {
        super(message, cause);
        this.socket = socket;
    }

    public OuterSocket socket() {
        return socket;
    }
}
