package org.ipsec4j.ike.message;

import java.util.ArrayList;
import java.util.List;

/** Configuration payload (RFC 7296 §3.15): a CFG type, three reserved bytes and the attributes. */
public record ConfigurationPayload(int cfgType, List<ConfigAttribute> attributes) implements Payload {

    public static final int CFG_REQUEST = 1;
    public static final int CFG_REPLY = 2;
    public static final int CFG_SET = 3;
    public static final int CFG_ACK = 4;
    /** Short names for the same values. */
    public static final int REQUEST = CFG_REQUEST;
    public static final int REPLY = CFG_REPLY;
    public static final int SET = CFG_SET;
    public static final int ACK = CFG_ACK;

    public ConfigurationPayload {
        Octets.checkRange(cfgType, 0, 255, "CFG type");
        attributes = List.copyOf(attributes);
        int length = 4;
        for (ConfigAttribute a : attributes) {
            length += a.length();
        }
        Octets.checkRange(length, 4, MessageCodec.MAX_BODY_LENGTH, "configuration payload length");
    }

    @Override
    public PayloadType type() {
        return PayloadType.CP;
    }

    /** The first attribute of a type, or null. */
    public ConfigAttribute attribute(int type) {
        for (ConfigAttribute a : attributes) {
            if (a.type() == type) {
                return a;
            }
        }
        return null;
    }

    @Override
    public int bodyLength() {
        int length = 4;
        for (ConfigAttribute a : attributes) {
            length += a.length();
        }
        return length;
    }

    @Override
    public void encodeBody(byte[] out, int off) {
        out[off] = (byte) cfgType;
        out[off + 1] = 0;
        out[off + 2] = 0;
        out[off + 3] = 0;
        int pos = off + 4;
        for (ConfigAttribute a : attributes) {
            a.encode(out, pos);
            pos += a.length();
        }
    }

    public static ConfigurationPayload parseBody(byte[] b, int off, int len) throws MalformedMessageException {
        Octets.requireBytes(4, len, "cp", off);
        List<ConfigAttribute> attributes = new ArrayList<>();
        int pos = off + 4;
        int end = off + len;
        while (pos < end) {
            ConfigAttribute a = ConfigAttribute.parse(b, pos, end - pos);
            attributes.add(a);
            pos += a.length();
        }
        return new ConfigurationPayload(b[off] & 0xFF, attributes);
    }

    @Override
    public String toString() {
        String type = switch (cfgType) {
            case CFG_REQUEST -> "CFG_REQUEST";
            case CFG_REPLY -> "CFG_REPLY";
            case CFG_SET -> "CFG_SET";
            case CFG_ACK -> "CFG_ACK";
            default -> "CFG type " + cfgType;
        };
        return "ConfigurationPayload[" + type + " " + attributes + "]";
    }
}
