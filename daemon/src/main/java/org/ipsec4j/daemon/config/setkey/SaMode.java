package org.ipsec4j.daemon.config.setkey;

/** The {@code -m} option of {@code add}: which policies may use the SA. setkey's default is {@link #ANY}. */
public enum SaMode {
    ANY("any"),
    TRANSPORT("transport"),
    TUNNEL("tunnel");

    private final String setkeyName;

    SaMode(String setkeyName) {
        this.setkeyName = setkeyName;
    }

    public String setkeyName() {
        return setkeyName;
    }
}
