package org.ipsec4j.ike.message;

import java.util.Arrays;

import org.ipsec4j.wire.BigEndian;

/**
 * Notify payload (RFC 7296 §3.10): protocol ID, SPI size, notify type, SPI, data. An SPI, where present,
 * names a Child SA (4 bytes, protocol AH or ESP); RFC 4306 peers may also name the IKE SA (8 bytes, protocol
 * IKE). Without an SPI the protocol ID is meaningless and ignored.
 */
public record NotifyPayload(int protocolId, byte[] spi, int notifyType, byte[] data) implements Payload {

    public NotifyPayload {
        Octets.checkRange(protocolId, 0, 255, "protocol ID");
        Octets.checkRange(notifyType, 0, 65535, "notify type");
        spi = Octets.copy(spi, "spi");
        data = Octets.copy(data, "data");
        String problem = spiProblem(protocolId, spi.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Octets.checkRange(data.length, 0, MessageCodec.MAX_BODY_LENGTH - 4 - spi.length, "notification data length");
    }

    /** A notification about the IKE SA or the exchange, without SPI or data. */
    public static NotifyPayload of(int notifyType) {
        return of(notifyType, new byte[0]);
    }

    /** A notification about the IKE SA or the exchange, without SPI. */
    public static NotifyPayload of(int notifyType, byte[] data) {
        return new NotifyPayload(ProtocolId.NONE, new byte[0], notifyType, data);
    }

    /** A notification about an ESP Child SA, e.g. REKEY_SA or CHILD_SA_NOT_FOUND. */
    public static NotifyPayload esp(int notifyType, int spi, byte[] data) {
        byte[] s = new byte[4];
        BigEndian.put32(s, 0, spi);
        return new NotifyPayload(ProtocolId.ESP, s, notifyType, data);
    }

    private static String spiProblem(int protocolId, int spiSize) {
        if (spiSize == 0) {
            return null;
        }
        return switch (protocolId) {
            case ProtocolId.AH, ProtocolId.ESP -> spiSize == 4 ? null
                    : ProtocolId.name(protocolId) + " SPI of " + spiSize + " bytes, not 4";
            case ProtocolId.IKE -> spiSize == 8 ? null : "IKE SPI of " + spiSize + " bytes, not 8";
            default -> "SPI of " + spiSize + " bytes for protocol " + protocolId + ", which has none";
        };
    }

    @Override
    public PayloadType type() {
        return PayloadType.NOTIFY;
    }

    @Override
    public byte[] spi() {
        return spi.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Error types are below 16384 (§3.10.1). */
    public boolean isError() {
        return NotifyType.isError(notifyType);
    }

    /** The 4-byte SPI of an AH or ESP notification as an int; throws if there is none. */
    public int childSpi() {
        if (spi.length != 4) {
            throw new IllegalStateException("no 4-byte SPI in " + this);
        }
        return BigEndian.i32(spi, 0);
    }

    @Override
    public int bodyLength() {
        return 4 + spi.length + data.length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) protocolId;
        out[off + 1] = (byte) spi.length;
        BigEndian.put16(out, off + 2, notifyType);
        System.arraycopy(spi, 0, out, off + 4, spi.length);
        System.arraycopy(data, 0, out, off + 4 + spi.length, data.length);
    }

    public static NotifyPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(4, len, "notify", off);
        int protocol = b[off] & 0xFF;
        int spiSize = b[off + 1] & 0xFF;
        String problem = spiProblem(protocol, spiSize);
        Octets.require(problem == null, "notify.spiSize", off + 1, problem);
        Octets.require(4 + spiSize <= len, "notify.spiSize", off + 1,
                "SPI of " + spiSize + " bytes in a body of " + len);
        return new NotifyPayload(protocol, Octets.slice(b, off + 4, spiSize), BigEndian.u16(b, off + 2),
                Octets.slice(b, off + 4 + spiSize, len - 4 - spiSize));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotifyPayload that && protocolId == that.protocolId && notifyType == that.notifyType
                && Arrays.equals(spi, that.spi) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return ((protocolId * 31 + notifyType) * 31 + Arrays.hashCode(spi)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NotifyPayload[" + NotifyType.name(notifyType)
                + (spi.length > 0 ? ", " + ProtocolId.name(protocolId) + " SPI " + Octets.hex(spi) : "")
                + (data.length > 0 ? ", " + Octets.hex(data) : "") + "]";
    }
}
