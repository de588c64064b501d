package org.ipsec4j.wire;

/**
 * The option list format IPv4 (RFC 791 §3.1) and TCP (RFC 9293 §3.1) share: End of Option List (0) ends the
 * list, No-Operation (1) is a single byte, and every other option is a type byte, a length byte counting the
 * whole option (at least 2), and data. {@link Ipv4Packet} and {@link TcpSegment} validate and walk their
 * options here; each keeps its own field names and public visitor.
 */
final class TypeLengthOptions {

    static final int END_OF_LIST = 0;
    static final int NO_OPERATION = 1;

    /** Receives one option at a time; see the public visitors of {@link Ipv4Packet} and {@link TcpSegment}. */
    @FunctionalInterface
    interface Visitor {
        boolean option(int type, int offset, int length);
    }

    private TypeLengthOptions() {}

    /**
     * Checks that the options in {@code buf[pos .. end)} fit, up to End of Option List or {@code end}.
     *
     * @param lengthField the field a bad or missing length byte is reported as, e.g. {@code "tcp.option.length"}
     * @param wantedType  an option type to look for while walking, or -1
     * @return the offset of the first option of {@code wantedType} whose length is {@code wantedLength}, or -1
     * @throws MalformedPacketException at the length byte of an option that has none or does not fit
     */
    static int validate(byte[] buf, int pos, int end, String lengthField, int wantedType, int wantedLength) {
        int found = -1;
        while (pos < end) {
            int type = buf[pos] & 0xFF;
            if (type == END_OF_LIST) {
                break;
            }
            if (type == NO_OPERATION) {
                pos++;
                continue;
            }
            if (pos + 1 >= end) {
                throw new MalformedPacketException(lengthField, pos + 1, "option " + type + " has no length byte");
            }
            int length = buf[pos + 1] & 0xFF;
            if (length < 2 || length > end - pos) {
                throw new MalformedPacketException(lengthField, pos + 1,
                        "option " + type + " length " + length + " does not fit the " + (end - pos)
                                + " option bytes left");
            }
            if (type == wantedType && length == wantedLength && found < 0) {
                found = pos;
            }
            pos += length;
        }
        return found;
    }

    /** The whole length of the option at {@code pos} in a validated list: 1 for EOL and NOP. */
    static int length(byte[] buf, int pos) {
        int type = buf[pos] & 0xFF;
        return type == END_OF_LIST || type == NO_OPERATION ? 1 : buf[pos + 1] & 0xFF;
    }

    /**
     * Walks a validated list, stopping after End of Option List (reported with length 1), at {@code end}, or
     * when the visitor returns false. Padding after EOL is not reported.
     */
    static void walk(byte[] buf, int pos, int end, Visitor visitor) {
        while (pos < end) {
            int type = buf[pos] & 0xFF;
            int length = length(buf, pos);
            if (!visitor.option(type, pos, length) || type == END_OF_LIST) {
                return;
            }
            pos += length;
        }
    }
}
