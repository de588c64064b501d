package org.ipsec4j.ike.sa;

import java.util.List;

import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Payload;

/**
 * An INFORMATIONAL request that tests the path (RFC 7296 §1.4: every INFORMATIONAL is answered). Padded with a
 * private status notify ({@link NotifyType#PRIVATE_PATH_MTU_PROBE}, which peers must ignore, RFC 7296 §3.10.1) to
 * an exact outer IP size and sent unfragmented with DF set, it is a path MTU probe. If no answer comes within the
 * probe timeout, the IKE SA retransmits its {@linkplain #standIn() stand-in}: the same request with the notify cut
 * to two bytes, so small that any path carries it. For the peer the two are the same request (an INFORMATIONAL
 * with a status notify it ignores): it processes whichever arrives first and answers a copy of the other as a
 * retransmission, so only the size is lost, never the exchange. Without padding it is a plain liveness check.
 */
final class PathProbeTask implements Task {

    /** Why the probe is sent. */
    enum Purpose {
        /** Path MTU search or confirmation. */
        PATH_MTU,
        /** A Child SA sends ESP and gets none back: is IKE still answered, and do full-size packets pass? */
        ESP_PATH
    }

    /** Notify header (4) + protocol, SPI size, type (4): what the padding notify costs beyond its data. */
    private static final int NOTIFY_OVERHEAD = 8;

    private final Purpose purpose;
    private final int target;
    private int size;
    private boolean lost;

    /** @param target the outer IP size to probe, or 0 for an unpadded liveness check */
    PathProbeTask(Purpose purpose, int target) {
        this.purpose = purpose;
        this.target = target;
    }

    @Override
    public ExchangeType exchange() {
        return ExchangeType.INFORMATIONAL;
    }

    /** Whether the first transmission goes unfragmented with DF set. */
    boolean sizesThePath() {
        return size > 0;
    }

    /** The probe's outer IP size (0 for a liveness check). */
    int size() {
        return size;
    }

    /** The full-size first transmission got no answer in time; the stand-in is retransmitted from now on. */
    void firstTransmissionLost() {
        lost = true;
    }

    /** Whether the stand-in has taken over. */
    boolean standingIn() {
        return lost;
    }

    /** The request without its padding: the notify's first two bytes only (the size that was asked for). */
    List<Payload> standIn() {
        byte[] data = {(byte) (target >>> 8), (byte) target};
        return List.of(new NotifyPayload(0, new byte[0], NotifyType.PRIVATE_PATH_MTU_PROBE, data));
    }

    @Override
    public List<Payload> buildRequest(IkeSa sa, long now) {
        if (target == 0) {
            size = 0;
            return List.of();
        }
        // The largest padding whose sealed message fits the target (sealing is monotonic in the plaintext length).
        boolean marker = sa.local.port() != 500;
        int data = Math.max(0, target - IkeDatagram.ipLength(sa.remote.address().family(), marker, 0) - 64);
        while (ipSize(sa, marker, data + 1) <= target) {
            data++;
        }
        while (data > 0 && ipSize(sa, marker, data) > target) {
            data--;
        }
        size = ipSize(sa, marker, data);
        byte[] padding = new byte[data];
        if (data >= 2) {
            padding[0] = (byte) (target >>> 8); // the size asked for, for whoever reads a capture
            padding[1] = (byte) target;
        }
        return List.of(new NotifyPayload(0, new byte[0], NotifyType.PRIVATE_PATH_MTU_PROBE, padding));
    }

    private static int ipSize(IkeSa sa, boolean marker, int data) {
        return IkeDatagram.ipLength(sa.remote.address().family(), marker,
                sa.protection.messageLength(NOTIFY_OVERHEAD + data));
    }

    @Override
    public void processResponse(IkeSa sa, IkeMessage message, List<Payload> payloads, long now) {
        sa.scheduleDpd(now);
        boolean sizeArrived = size > 0 && !lost;
        switch (purpose) {
            case PATH_MTU -> sa.pathMtu.result(size, sizeArrived, now);
            case ESP_PATH -> sa.espPathChecked(size > 0 && !sizeArrived, size, now);
        }
    }
}
