/**
 * The daemon's footprint in the kernel's network configuration: the TUN device, its MTU ({@link
 * org.ipsec4j.daemon.net.TunnelMtu}), the routes for outbound policies ({@link
 * org.ipsec4j.daemon.net.TunnelRoutes}) in a table of their own behind a fwmark rule ({@link
 * org.ipsec4j.daemon.net.TunnelNetwork}), all removed again on stop.
 */
package org.ipsec4j.daemon.net;
