package org.ipsec4j.daemon.config.setkey;

/** {@code -P in|out|fwd}: inbound, outbound or forwarded traffic (Linux keeps forwarded traffic apart). */
public enum PolicyDirection {
    IN("in"),
    OUT("out"),
    FWD("fwd");

    private final String setkeyName;

    PolicyDirection(String setkeyName) {
        this.setkeyName = setkeyName;
    }

    public String setkeyName() {
        return setkeyName;
    }
}
