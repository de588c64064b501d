/**
 * Packet views and builders: IPv4 and IPv6 (with the extension-header chain), UDP, TCP, ICMP and ICMPv6, and
 * the Internet checksum.
 *
 * <p>Conventions shared by every view ({@link org.ipsec4j.wire.Ipv4Packet}, {@link org.ipsec4j.wire.Ipv6Packet},
 * {@link org.ipsec4j.wire.UdpDatagram}, {@link org.ipsec4j.wire.TcpSegment},
 * {@link org.ipsec4j.wire.Icmpv4Message}, {@link org.ipsec4j.wire.Icmpv6Message}):
 * <ul>
 *   <li>A view is a mutable flyweight over {@code (byte[] buf, int offset, int length)}. {@code parse} makes a
 *       new one; {@code wrap} re-points an existing one, so the packet path allocates nothing.</li>
 *   <li>{@code wrap} validates everything the accessors later rely on, and throws only
 *       {@link org.ipsec4j.wire.MalformedPacketException}, naming the field and its absolute offset. Loops
 *       over options and extension headers are bounded by the bytes present; no length read from a packet
 *       ever sizes an allocation.</li>
 *   <li>Every offset a view returns is absolute into its buffer. Setters edit the buffer in place.</li>
 *   <li>Builders ({@code writeHeader}, {@code writeIpv4}, {@code writeError}, ...) write into a caller's
 *       array and return the number of bytes written; payloads are expected in place, not copied.</li>
 *   <li>Views are not thread-safe; use one per thread.</li>
 * </ul>
 */
package org.ipsec4j.wire;
