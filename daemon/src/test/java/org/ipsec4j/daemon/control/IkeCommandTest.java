package org.ipsec4j.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.ipsec4j.daemon.control.ControlProtocol.IkeCommand;
import org.ipsec4j.daemon.control.ControlProtocol.IkeCommand.Verb;
import org.junit.jupiter.api.Test;

class IkeCommandTest {

    @Test
    void requestLinesRoundTrip() {
        for (IkeCommand c : new IkeCommand[] {
            new IkeCommand(Verb.UP, "home", null, null),
            new IkeCommand(Verb.UP, "home", "net", Duration.ofSeconds(5)),
            new IkeCommand(Verb.DOWN, "home", null, Duration.ofSeconds(90)),
            new IkeCommand(Verb.REKEY, "home", null, null),
            new IkeCommand(Verb.REKEY, "home", "net", null)}) {
            assertEquals(c, IkeCommand.parse(c.requestLine()), c.requestLine());
        }
        assertEquals("up home child net timeout 5", new IkeCommand(Verb.UP, "home", "net", Duration.ofSeconds(5))
                .requestLine());
        assertEquals("rekey home ike", new IkeCommand(Verb.REKEY, "home", null, null).requestLine());
        assertEquals(ControlProtocol.DEFAULT_IKE_TIMEOUT, IkeCommand.parse("down home").timeout());
    }

    @Test
    void otherRequestsAreNotIkeCommands() {
        assertNull(IkeCommand.parse("status"));
        assertNull(IkeCommand.parse("reload"));
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        assertEquals("expected up NAME [child CHILD] [timeout SECONDS]",
                assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("up")).getMessage());
        assertEquals("expected rekey NAME ike|child CHILD [timeout SECONDS]",
                assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("rekey home")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("rekey home ike child net"));
        assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("down home child net"));
        assertEquals("a timeout is a number of seconds, not 'soon'",
                assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("up home timeout soon"))
                        .getMessage());
        assertEquals("a timeout is 1..3600 seconds",
                assertThrows(IllegalArgumentException.class, () -> IkeCommand.parse("up home timeout 0")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IkeCommand(Verb.UP, "two words", null, null));
        assertThrows(IllegalArgumentException.class, () -> new IkeCommand(Verb.UP, "", null, null));
    }
}
