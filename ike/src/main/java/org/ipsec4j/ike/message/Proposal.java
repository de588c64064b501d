package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ipsec4j.wire.BigEndian;

/**
 * One proposal substructure (RFC 7296 §3.3.1): its number, the protocol ({@link ProtocolId}), the SPI and
 * 1..255 transforms. SPI sizes are checked per protocol: IKE has none in IKE_SA_INIT and 8 bytes when
 * rekeying, AH and ESP have 4; others are left to the negotiation, which refuses them.
 */
public record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {

    /** The value of the last-substructure field when another proposal follows. */
    public static final int MORE = 2;
    static final int HEADER_LENGTH = 8;

    public Proposal {
        Octets.checkRange(number, 0, 255, "proposal number");
        Octets.checkRange(protocolId, 0, 255, "protocol ID");
        spi = Octets.copy(spi, "spi");
        transforms = List.copyOf(transforms);
        Octets.checkRange(transforms.size(), 1, 255, "number of transforms");
        String problem = spiProblem(protocolId, spi.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int length = HEADER_LENGTH + spi.length;
        for (Transform t : transforms) {
            length += t.length();
        }
        Octets.checkRange(length, HEADER_LENGTH, 65535, "proposal length");
    }

    private static String spiProblem(int protocolId, int spiSize) {
        return switch (protocolId) {
            case ProtocolId.IKE -> spiSize == 0 || spiSize == 8 ? null : "IKE SPI of " + spiSize + " bytes, not 0 or 8";
            case ProtocolId.AH, ProtocolId.ESP -> spiSize == 4 ? null
                    : ProtocolId.name(protocolId) + " SPI of " + spiSize + " bytes, not 4";
            default -> spiSize <= 255 ? null : "SPI of " + spiSize + " bytes";
        };
    }

    @Override
    public byte[] spi() {
        return spi.clone();
    }

    /** The transforms of one type, in proposal order. */
    public List<Transform> transforms(int type) {
        List<Transform> out = new ArrayList<>();
        for (Transform t : transforms) {
            if (t.type() == type) {
                out.add(t);
            }
        }
        return out;
    }

    public int length() {
        int length = HEADER_LENGTH + spi.length;
        for (Transform t : transforms) {
            length += t.length();
        }
        return length;
    }

    public void encode(byte[] out, int off, boolean last) {
        out[off] = (byte) (last ? 0 : MORE);
        out[off + 1] = 0;
        BigEndian.put16(out, off + 2, length());
        out[off + 4] = (byte) number;
        out[off + 5] = (byte) protocolId;
        out[off + 6] = (byte) spi.length;
        out[off + 7] = (byte) transforms.size();
        System.arraycopy(spi, 0, out, off + HEADER_LENGTH, spi.length);
        int pos = off + HEADER_LENGTH + spi.length;
        for (int i = 0; i < transforms.size(); i++) {
            Transform t = transforms.get(i);
            t.encode(out, pos, i == transforms.size() - 1);
            pos += t.length();
        }
    }

    /**
     * Parses the proposal at {@code b[off]} with {@code len} bytes left in the SA payload: the length field
     * must fit, the SPI size suit the protocol, and exactly "Num Transforms" transforms, each marked "more"
     * (3) but the last (0), must fill the proposal (§3.3: lengths and counts must be consistent).
     */
    public static Proposal parse(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(HEADER_LENGTH, len, "proposal", off);
        int length = BigEndian.u16(b, off + 2);
        Octets.require(length >= HEADER_LENGTH && length <= len, "proposal.length", off + 2,
                "length " + length + " outside " + HEADER_LENGTH + ".." + len);
        int protocol = b[off + 5] & 0xFF;
        int spiSize = b[off + 6] & 0xFF;
        int count = b[off + 7] & 0xFF;
        String problem = spiProblem(protocol, spiSize);
        Octets.require(problem == null, "proposal.spiSize", off + 6, problem);
        Octets.require(count > 0, "proposal.transforms", off + 7, "no transforms");
        Octets.require(HEADER_LENGTH + spiSize <= length, "proposal.spiSize", off + 6,
                "SPI of " + spiSize + " bytes in a proposal of " + length);
        int pos = off + HEADER_LENGTH + spiSize;
        int end = off + length;
        List<Transform> transforms = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Octets.require(pos < end, "proposal.transforms", off + 7,
                    "proposal ends after " + i + " of " + count + " transforms");
            int marker = b[pos] & 0xFF;
            boolean last = i == count - 1;
            Octets.require(marker == (last ? 0 : Transform.MORE), "transform.last", pos, "marker " + marker
                    + " on transform " + (i + 1) + " of " + count);
            Transform t = Transform.parse(b, pos, end - pos);
            transforms.add(t);
            pos += t.length();
        }
        Octets.require(pos == end, "proposal.length", off + 2, (end - pos) + " bytes after the last transform");
        return new Proposal(b[off + 4] & 0xFF, protocol, Octets.slice(b, off + HEADER_LENGTH, spiSize), transforms);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proposal that && number == that.number && protocolId == that.protocolId
                && Arrays.equals(spi, that.spi) && transforms.equals(that.transforms);
    }

    @Override
    public int hashCode() {
        return ((number * 31 + protocolId) * 31 + Arrays.hashCode(spi)) * 31 + transforms.hashCode();
    }

    @Override
    public String toString() {
        return "Proposal[#" + number + " " + ProtocolId.name(protocolId)
                + (spi.length > 0 ? " SPI " + Octets.hex(spi) : "") + " " + transforms + "]";
    }
}
