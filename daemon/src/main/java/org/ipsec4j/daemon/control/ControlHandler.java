package org.ipsec4j.daemon.control;

/** What the daemon does with a request line from the control socket. */
@FunctionalInterface
public interface ControlHandler {

    /** Answers one request; called on a connection's own thread, possibly several at once. */
    ControlResponse handle(String request);
}
