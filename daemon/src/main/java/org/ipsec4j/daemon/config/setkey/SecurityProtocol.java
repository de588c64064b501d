package org.ipsec4j.daemon.config.setkey;

/**
 * ESP or AH. setkey's {@code esp-udp} is ESP with {@link UdpEncapsulation}; SAs of both share one SPI space
 * per destination, as in the kernel's SAD.
 */
public enum SecurityProtocol {
    ESP("esp", 50),
    AH("ah", 51);

    private final String setkeyName;
    private final int ipProtocol;

    SecurityProtocol(String setkeyName, int ipProtocol) {
        this.setkeyName = setkeyName;
        this.ipProtocol = ipProtocol;
    }

    public String setkeyName() {
        return setkeyName;
    }

    /** IP protocol number: 50 for ESP, 51 for AH. */
    public int ipProtocol() {
        return ipProtocol;
    }
}
