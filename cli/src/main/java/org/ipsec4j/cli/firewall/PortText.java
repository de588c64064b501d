package org.ipsec4j.cli.firewall;

/** Ports and port ranges as rules write them: {@code 500}, {@code 500:4500} (iptables), {@code 500-4500} (nft). */
final class PortText {

    private PortText() {
    }

    /**
     * @return [low, high]
     * @throws IllegalArgumentException if it is not a port, a range, or isakmp / ipsec-nat-t
     */
    static int[] range(String text, char separator) {
        int sep = text.indexOf(separator);
        if (sep < 0) {
            int port = port(text);
            return new int[] {port, port};
        }
        String low = text.substring(0, sep);
        String high = text.substring(sep + 1);
        int[] r = {low.isEmpty() ? 0 : port(low), high.isEmpty() ? 65535 : port(high)};
        if (r[0] > r[1]) {
            throw new IllegalArgumentException("range " + text + " is upside down");
        }
        return r;
    }

    static int port(String text) {
        int p = switch (text) {
            case "isakmp" -> 500;
            case "ipsec-nat-t" -> 4500;
            default -> {
                if (!text.matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("not a port number (service names other than isakmp and "
                            + "ipsec-nat-t are not looked up)");
                }
                yield Integer.parseInt(text);
            }
        };
        if (p > 65535) {
            throw new IllegalArgumentException("above 65535");
        }
        return p;
    }
}
