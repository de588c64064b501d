package org.ipsec4j.daemon.config.setkey;

/** A port in {@code [brackets]}; {@link #ANY} (0) when absent or written {@code [any]}, as setkey has it. */
public record Port(int number) {

    public static final Port ANY = new Port(0);

    /** The NAT-T port, setkey's default for {@code esp-udp} SAs (RFC 3948). */
    public static final int NAT_T = 4500;

    public Port {
        if (number < 0 || number > 65535) {
            throw new IllegalArgumentException("port out of range: " + number);
        }
    }

    public static Port of(int number) {
        return number == 0 ? ANY : new Port(number);
    }

    public boolean isAny() {
        return number == 0;
    }

    @Override
    public String toString() {
        return isAny() ? "any" : Integer.toString(number);
    }
}
