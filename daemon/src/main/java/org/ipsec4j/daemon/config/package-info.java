/**
 * From a setkey file to the data plane's SAD and SPD: {@link org.ipsec4j.daemon.config.SecurityDatabaseLoader}
 * implements the all-or-nothing {@link org.ipsec4j.daemon.config.setkey.SetkeyLoader} contract (translate and
 * check everything, open the sockets, then swap while the packet threads wait), keeping SAs and policies that a
 * reload leaves unchanged. Direction comes from the host's own addresses, so both ends can load one file.
 */
package org.ipsec4j.daemon.config;
