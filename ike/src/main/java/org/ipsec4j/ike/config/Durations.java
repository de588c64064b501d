package org.ipsec4j.ike.config;

import java.time.Duration;

/**
 * Time values as swanctl.conf writes them (swanctl.conf(5) "TIME FORMATS"): a decimal number of seconds, or
 * one with the suffix {@code s}, {@code m}, {@code h} or {@code d} for seconds, minutes, hours or days, e.g.
 * {@code 30s}, {@code 10m}, {@code 4h}, {@code 1d}, {@code 90}. No sign, fraction, blank or other unit.
 */
public final class Durations {

    /** Ten years: longer than any lifetime makes sense, short enough that no arithmetic overflows. */
    static final long MAX_SECONDS = 10L * 366 * 24 * 3600;

    private Durations() {
    }

    public static Duration parse(String text) throws InvalidValueException {
        if (text.isEmpty()) {
            throw new InvalidValueException(0, "expected a time (e.g. 30s, 10m, 4h, 1d), found nothing");
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            throw new InvalidValueException(0, "'" + AddressText.shown(text) + "' is not a time (expected e.g. "
                    + "30s, 10m, 4h, 1d or a number of seconds)");
        }
        long unit;
        if (digits == text.length()) {
            unit = 1;
        } else if (digits == text.length() - 1) {
            unit = switch (text.charAt(digits)) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                default -> throw badUnit(text, digits);
            };
        } else {
            throw badUnit(text, digits);
        }
        String number = text.substring(0, digits);
        long value = number.length() <= 12 ? Long.parseLong(number) : Long.MAX_VALUE;
        if (value > MAX_SECONDS / unit) {
            throw new InvalidValueException(0, "time " + AddressText.shown(text) + " is longer than ten years");
        }
        return Duration.ofSeconds(value * unit);
    }

    private static InvalidValueException badUnit(String text, int at) {
        return new InvalidValueException(at, "bad time unit '" + AddressText.shown(text.substring(at))
                + "' in '" + AddressText.shown(text) + "' (s, m, h or d)");
    }

    /** The shortest swanctl.conf text for a duration of whole seconds: 4h, 90s, 1d. */
    public static String format(Duration duration) {
        long s = duration.getSeconds();
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
