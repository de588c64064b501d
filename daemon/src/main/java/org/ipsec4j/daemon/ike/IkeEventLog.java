package org.ipsec4j.daemon.ike;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import org.ipsec4j.daemon.loop.RateLimitedLog;
import org.ipsec4j.ike.sa.IkeEvent;

/**
 * IKE events as one log line each, {@code ike: KIND connection[spiI_spiR]: detail}. What unauthenticated
 * senders can cause as often as they like is rate-limited: dropped messages and failures without a connection
 * (a line per 10 s each), authentication failures (a line per second).
 */
final class IkeEventLog {

    private static final long TEN_SECONDS = 10_000_000_000L;
    private static final long ONE_SECOND = 1_000_000_000L;

    private final Consumer<String> log;
    private final Map<IkeEvent.Kind, RateLimitedLog> limited = new EnumMap<>(IkeEvent.Kind.class);
    private final RateLimitedLog withoutConnection;

    IkeEventLog(Consumer<String> log) {
        this.log = log;
        limited.put(IkeEvent.Kind.MESSAGE_DROPPED, new RateLimitedLog(log, TEN_SECONDS));
        limited.put(IkeEvent.Kind.AUTHENTICATION_FAILED, new RateLimitedLog(log, ONE_SECOND));
        this.withoutConnection = new RateLimitedLog(log, TEN_SECONDS);
    }

    void log(IkeEvent event, long now) {
        String line = line(event);
        RateLimitedLog limit = limited.get(event.kind());
        if (limit != null) {
            limit.log(line, now);
        } else if (event.connection().equals("-")) {
            withoutConnection.log(line, now);
        } else {
            log.accept(line);
        }
    }

    static String line(IkeEvent event) {
        String detail = event.detail() == null || event.detail().isEmpty() ? "" : ": " + event.detail();
        return "ike: " + event.kind() + " " + event.connection() + detail;
    }
}
