package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ipsec4j.wire.BigEndian;

/**
 * Delete payload (RFC 7296 §3.11): protocol ID, SPI size, number of SPIs, the SPIs. Deleting the IKE SA names
 * no SPI (size 0, count 0: the SA is the one of the header); AH and ESP SPIs are 4 bytes, the inbound SPIs of
 * the sender.
 */
public record DeletePayload(int protocolId, int spiSize, List<byte[]> spis) implements Payload {

    public DeletePayload {
        Objects.requireNonNull(spis, "spis");
        List<byte[]> copies = new ArrayList<>(spis.size());
        for (byte[] spi : spis) {
            copies.add(Octets.copy(spi, "spi"));
        }
        spis = List.copyOf(copies);
        String problem = problem(protocolId, spiSize, spis.size());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        for (byte[] spi : spis) {
            if (spi.length != spiSize) {
                throw new IllegalArgumentException("SPI of " + spi.length + " bytes in a delete of size " + spiSize);
            }
        }
        Octets.checkRange(4 + spiSize * spis.size(), 4, MessageCodec.MAX_BODY_LENGTH, "delete body length");
    }

    /** Deletes the IKE SA the message belongs to. */
    public static DeletePayload ike() {
        return new DeletePayload(ProtocolId.IKE, 0, List.of());
    }

    /** Deletes ESP Child SAs, named by the sender's inbound SPIs. */
    public static DeletePayload esp(int... spis) {
        List<byte[]> list = new ArrayList<>(spis.length);
        for (int spi : spis) {
            byte[] b = new byte[4];
            BigEndian.put32(b, 0, spi);
            list.add(b);
        }
        return new DeletePayload(ProtocolId.ESP, 4, list);
    }

    private static String problem(int protocolId, int spiSize, int count) {
        return switch (protocolId) {
            case ProtocolId.IKE -> spiSize != 0 || count != 0
                    ? "an IKE SA delete has SPI size 0 and no SPIs, not size " + spiSize + " and " + count : null;
            case ProtocolId.AH, ProtocolId.ESP -> spiSize != 4
                    ? ProtocolId.name(protocolId) + " SPI size " + spiSize + ", not 4" : null;
            default -> "protocol ID " + protocolId + " is none of IKE, AH, ESP";
        };
    }

    @Override
    public PayloadType type() {
        return PayloadType.DELETE;
    }

    @Override
    public List<byte[]> spis() {
        List<byte[]> out = new ArrayList<>(spis.size());
        for (byte[] spi : spis) {
            out.add(spi.clone());
        }
        return out;
    }

    /** The SPIs of an AH or ESP delete as ints. */
    public int[] espSpis() {
        if (spiSize != 4) {
            throw new IllegalStateException("not an AH/ESP delete: " + this);
        }
        int[] out = new int[spis.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = BigEndian.i32(spis.get(i), 0);
        }
        return out;
    }

    @Override
    public int bodyLength() {
        return 4 + spiSize * spis.size();
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) protocolId;
        out[off + 1] = (byte) spiSize;
        BigEndian.put16(out, off + 2, spis.size());
        int pos = off + 4;
        for (byte[] spi : spis) {
            System.arraycopy(spi, 0, out, pos, spiSize);
            pos += spiSize;
        }
    }

    /** The body must hold exactly SPI size × number of SPIs after its 4-byte head. */
    public static DeletePayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(4, len, "delete", off);
        int protocol = b[off] & 0xFF;
        int spiSize = b[off + 1] & 0xFF;
        int count = BigEndian.u16(b, off + 2);
        String problem = problem(protocol, spiSize, count);
        Octets.require(problem == null, "delete", off, problem);
        Octets.require(spiSize * count == len - 4, "delete.count", off + 2,
                count + " SPIs of " + spiSize + " bytes in " + (len - 4) + " bytes");
        List<byte[]> spis = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            spis.add(Octets.slice(b, off + 4 + i * spiSize, spiSize));
        }
        return new DeletePayload(protocol, spiSize, spis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeletePayload that && protocolId == that.protocolId && spiSize == that.spiSize
                && Octets.equal(spis, that.spis);
    }

    @Override
    public int hashCode() {
        return (protocolId * 31 + spiSize) * 31 + Octets.hash(spis);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("DeletePayload[").append(ProtocolId.name(protocolId));
        for (byte[] spi : spis) {
            s.append(' ').append(Octets.hex(spi));
        }
        return s.append(']').toString();
    }
}
