/**
 * Tunnel dumps, as the Shrew client makes them (seed 001 §5.3.4): per IKE connection, on request, pcapng files
 * of its IKE messages in the clear and as on the wire, of its ESP as on the wire and of the inner traffic, and
 * a key log. {@link org.ipsec4j.daemon.dump.TunnelDumps} holds the running dumps, is the IKE engine's observer
 * while any runs, and is what the packet threads ask about an SPI; each
 * {@link org.ipsec4j.daemon.dump.TunnelDump} writes its files on a thread of its own.
 */
package org.ipsec4j.daemon.dump;
