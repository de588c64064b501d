package org.ipsec4j.daemon.config;

import java.io.IOException;
import java.util.Set;

/** What the daemon does around a load: open sockets first, swap under a lock, then reroute. */
public interface ConfigurationHooks {

    /**
     * Called during the check, before anything changes: make sure these sockets are open (opening what is
     * missing). Closing sockets no longer needed is for {@link #applied}.
     */
    void prepareSockets(Set<OuterSocket> sockets) throws SocketUnavailableException;

    /** Called during the check when the state directory refuses a sequence-number reservation. */
    default void stateUnavailable(IOException problem) {}

    /** Runs {@code change} while no packet is being processed (the data plane threads wait). */
    void exclusively(Runnable change);

    /** Called after a configuration was applied (routes, MTU, logs). */
    void applied(ActiveConfiguration previous, ActiveConfiguration current);

    /** Hooks that do nothing, for tests of the mapping alone. */
    ConfigurationHooks NONE = new ConfigurationHooks() {
        @Override
        public void prepareSockets(Set<OuterSocket> sockets) {}

        @Override
        public void exclusively(Runnable change) {
            change.run();
        }

        @Override
        public void applied(ActiveConfiguration previous, ActiveConfiguration current) {}
    };
}
