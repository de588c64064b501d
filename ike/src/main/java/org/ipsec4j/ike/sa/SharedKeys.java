package org.ipsec4j.ike.sa;

import org.ipsec4j.ike.auth.Identity;

/** The pre-shared keys, found by the two identities as strongSwan's secrets section does. */
@FunctionalInterface
public interface SharedKeys {

    /** The key for this pair of identities, or null if none is configured. */
    byte[] find(Identity local, Identity remote);
}
