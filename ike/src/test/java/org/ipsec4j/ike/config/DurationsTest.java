package org.ipsec4j.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "30s, 30",
            "10m, 600",
            "4h, 14400",
            "1d, 86400",
            "90, 90",
            "0, 0",
            "0s, 0",
            "007m, 420",
            "3660d, 316224000",
    })
    void parses(String text, long seconds) throws InvalidValueException {
        assertEquals(Duration.ofSeconds(seconds), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5x | 1 | bad time unit 'x' in '5x' (s, m, h or d)",
            "5ms | 1 | bad time unit 'ms'",
            "1.5h | 1 | bad time unit '.5h'",
            "h | 0 | 'h' is not a time",
            "-5s | 0 | '-5s' is not a time",
            "' 5s' | 0 | not a time",
            "'5 s' | 1 | bad time unit ' s'",
            "5H | 1 | bad time unit 'H'",
            "0x10 | 1 | bad time unit 'x10'",
            "3661d | 0 | longer than ten years",
            "99999999999999999999 | 0 | longer than ten years",
    })
    void refuses(String text, int offset, String message) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> Durations.parse(text));
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "45, 45s", "600, 10m", "14400, 4h", "86400, 1d", "5400, 90m", "90000, 25h"})
    void formatsTheShortestWay(long seconds, String text) throws InvalidValueException {
        assertEquals(text, Durations.format(Duration.ofSeconds(seconds)));
        assertEquals(Duration.ofSeconds(seconds), Durations.parse(text));
    }
}
