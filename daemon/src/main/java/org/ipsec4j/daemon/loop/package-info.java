/**
 * The packet threads: {@link org.ipsec4j.daemon.loop.OutboundLoop} (TUN device to sockets, TSO super-packets cut
 * by {@link org.ipsec4j.daemon.loop.TcpSegmenter}, sendmmsg with UDP GSO), {@link
 * org.ipsec4j.daemon.loop.InboundLoop} (recvmmsg with UDP GRO to the TUN device, segments joined by {@link
 * org.ipsec4j.daemon.loop.TcpCoalescer}), the {@link org.ipsec4j.daemon.loop.DataPlaneTimer} for lifetimes and
 * NAT keepalives, and the {@link org.ipsec4j.daemon.loop.DataPlaneGate} that lets reloads and the timer run
 * between batches. The protocol work is the sans-IO {@link org.ipsec4j.esp.DataPlane}'s.
 */
package org.ipsec4j.daemon.loop;
