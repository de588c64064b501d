package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Traffic Selector payload, TSi or TSr (RFC 7296 §3.13): the number of selectors, three reserved bytes and
 * the selectors, which must fill the body exactly.
 *
 * @param initiator true for TSi (type 44), false for TSr (type 45)
 */
public record TrafficSelectorPayload(boolean initiator, List<TrafficSelectorEntry> selectors) implements Payload {

    public TrafficSelectorPayload {
        selectors = List.copyOf(selectors);
        Octets.checkRange(selectors.size(), 1, 255, "number of traffic selectors");
        int length = 4;
        for (TrafficSelectorEntry s : selectors) {
            length += s.length();
        }
        Octets.checkRange(length, 4, MessageCodec.MAX_BODY_LENGTH, "traffic selector payload length");
    }

    @Override
    public PayloadType type() {
        return initiator ? PayloadType.TSI : PayloadType.TSR;
    }

    @Override
    public int bodyLength() {
        int length = 4;
        for (TrafficSelectorEntry s : selectors) {
            length += s.length();
        }
        return length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) selectors.size();
        out[off + 1] = 0;
        out[off + 2] = 0;
        out[off + 3] = 0;
        int pos = off + 4;
        for (TrafficSelectorEntry s : selectors) {
            s.encode(out, pos);
            pos += s.length();
        }
    }

    public static TrafficSelectorPayload parseBody(boolean initiator, byte[] b, int off, int len)
            throws MalformedMessageException {
        Octets.requireBytes(4, len, "ts.payload", off);
        int count = b[off] & 0xFF;
        Octets.require(count > 0, "ts.count", off, "no traffic selectors");
        List<TrafficSelectorEntry> selectors = new ArrayList<>(count);
        int pos = off + 4;
        int end = off + len;
        for (int i = 0; i < count; i++) {
            TrafficSelectorEntry s = TrafficSelectorEntry.parse(b, pos, end - pos);
            selectors.add(s);
            pos += s.length();
        }
        Octets.require(pos == end, "ts.count", off, count + " selectors end " + (end - pos) + " bytes before the payload");
        return new TrafficSelectorPayload(initiator, selectors);
    }

    @Override
    public String toString() {
        return "TrafficSelectorPayload[" + (initiator ? "TSi " : "TSr ") + selectors + "]";
    }
}
