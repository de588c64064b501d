package org.ipsec4j.daemon.config.setkey;

/** ESP padding content from {@code -f}; {@link #DEFAULT} when the file does not say (RFC 4303: 1, 2, 3, ...). */
public enum Padding {
    DEFAULT(null),
    ZERO("zero-pad"),
    RANDOM("random-pad"),
    SEQUENTIAL("seq-pad");

    private final String setkeyName;

    Padding(String setkeyName) {
        this.setkeyName = setkeyName;
    }

    /** The {@code -f} argument, or null for {@link #DEFAULT}. */
    public String setkeyName() {
        return setkeyName;
    }
}
