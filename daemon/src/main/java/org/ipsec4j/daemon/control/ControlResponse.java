package org.ipsec4j.daemon.control;

import java.util.Objects;

/**
 * The daemon's answer on the control socket: on the wire, a first line {@code ok} or {@code error MESSAGE}, then
 * the body (with an error, usually empty; for a failed IKE command, the events that led to it), then the end of
 * the stream.
 */
public record ControlResponse(boolean ok, String message, String body) {

    public ControlResponse {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(body, "body");
        if (message.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the message is one line");
        }
    }

    public static ControlResponse ok(String body) {
        return new ControlResponse(true, "", body);
    }

    public static ControlResponse error(String message) {
        return new ControlResponse(false, message.replace('\n', ' '), "");
    }

    String encode() {
        return (ok ? "ok" : "error " + message) + "\n" + body;
    }

    static ControlResponse decode(String text) {
        int end = text.indexOf('\n');
        String first = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 1);
        if (first.equals("ok")) {
            return ok(body);
        }
        if (first.startsWith("error ")) {
            return new ControlResponse(false, first.substring("error ".length()), body);
        }
        return error("the daemon answered something unexpected: " + first);
    }
}
