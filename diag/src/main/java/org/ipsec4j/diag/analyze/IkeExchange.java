package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One IKEv2 exchange: a request and its response, named by the Message ID and by which end started it (each
 * end numbers its own requests, RFC 7296 §2.2). Copies of the request at one observation point beyond the
 * first are retransmissions (§2.1); a request whose content changed (a new KE after INVALID_KE_PAYLOAD, a
 * COOKIE) is a new attempt.
 */
public final class IkeExchange {

    private static final int MAX_LISTED = 8;
    private static final int MAX_COPY_COUNTERS = 32;

    private final int messageId;
    private final boolean startedByInitiator;
    private int exchangeType;
    private final List<IkeMessageSighting> requests = new ArrayList<>(2);
    private final List<IkeMessageSighting> responses = new ArrayList<>(1);
    private long requestCount;
    private long responseCount;
    private long firstRequestTime = Long.MIN_VALUE;
    private long lastRequestTime = Long.MIN_VALUE;
    private long firstResponseTime = Long.MIN_VALUE;
    private long lastResponseTime = Long.MIN_VALUE;
    private boolean requestIpFragmented;
    private boolean responseIpFragmented;
    private boolean requestIkeFragmented;
    private int maxRequestCopies;
    private int maxResponseCopies;
    private boolean retransmittedAfterResponse;
    private final List<long[]> copyCounters = new ArrayList<>(2);

    IkeExchange(int messageId, boolean startedByInitiator, int exchangeType) {
        this.messageId = messageId;
        this.startedByInitiator = startedByInitiator;
        this.exchangeType = exchangeType;
    }

    void add(IkeMessageSighting s) {
        IkeDatagram d = s.datagram();
        boolean response = d.response();
        if (response) {
            responseCount++;
            if (responses.size() < MAX_LISTED) {
                responses.add(s);
            }
            if (firstResponseTime == Long.MIN_VALUE) {
                firstResponseTime = s.timeNanos();
            }
            lastResponseTime = s.timeNanos();
            responseIpFragmented |= s.ipFragmented();
        } else {
            requestCount++;
            if (requests.size() < MAX_LISTED) {
                requests.add(s);
            }
            if (firstRequestTime == Long.MIN_VALUE) {
                firstRequestTime = s.timeNanos();
                exchangeType = d.exchangeType();
            }
            lastRequestTime = s.timeNanos();
            requestIpFragmented |= s.ipFragmented();
            requestIkeFragmented |= d.fragmentTotal() > 0;
        }
        int copies = countCopy(s.point().index(), d.fragmentNumber(), response, d.fingerprint());
        if (response) {
            maxResponseCopies = Math.max(maxResponseCopies, copies);
        } else {
            maxRequestCopies = Math.max(maxRequestCopies, copies);
            retransmittedAfterResponse |= copies > 1 && firstResponseTime != Long.MIN_VALUE;
        }
    }

    /** Counts a copy of (point, fragment, direction, content); returns how many there are now. */
    private int countCopy(int point, int fragment, boolean response, long fingerprint) {
        long key = ((long) point << 20) ^ ((long) fragment << 1) ^ (response ? 1 : 0);
        for (long[] c : copyCounters) {
            if (c[0] == key && c[1] == fingerprint) {
                return (int) ++c[2];
            }
        }
        if (copyCounters.size() < MAX_COPY_COUNTERS) {
            copyCounters.add(new long[] {key, fingerprint, 1});
        }
        return 1;
    }

    /** Unsigned 32-bit Message ID. */
    public long messageId() {
        return Integer.toUnsignedLong(messageId);
    }

    public boolean startedByInitiator() {
        return startedByInitiator;
    }

    public int exchangeType() {
        return exchangeType;
    }

    public boolean answered() {
        return responseCount > 0;
    }

    /** Request sightings, the first {@value #MAX_LISTED}. */
    public List<IkeMessageSighting> requests() {
        return Collections.unmodifiableList(requests);
    }

    public List<IkeMessageSighting> responses() {
        return Collections.unmodifiableList(responses);
    }

    public long requestCount() {
        return requestCount;
    }

    public long responseCount() {
        return responseCount;
    }

    /** The most copies of one request datagram seen at one point: 1 means never retransmitted. */
    public int requestTransmissions() {
        return maxRequestCopies;
    }

    public int responseTransmissions() {
        return maxResponseCopies;
    }

    public boolean requestIpFragmented() {
        return requestIpFragmented;
    }

    public boolean responseIpFragmented() {
        return responseIpFragmented;
    }

    /** The request used RFC 7383 IKE fragmentation (SKF). */
    public boolean requestIkeFragmented() {
        return requestIkeFragmented;
    }

    public long firstRequestTime() {
        return firstRequestTime;
    }

    public long lastRequestTime() {
        return lastRequestTime;
    }

    public long firstResponseTime() {
        return firstResponseTime;
    }

    public long lastResponseTime() {
        return lastResponseTime;
    }

    /** The same request was sent again after a response had been seen: the response did not reach its sender. */
    public boolean requestRetransmittedAfterResponse() {
        return retransmittedAfterResponse;
    }
}
