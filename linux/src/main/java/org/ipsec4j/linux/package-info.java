/**
 * Linux I/O for the data plane and the daemon, through the Foreign Function &amp; Memory API (no JNI, no native
 * library of our own): TUN devices, UDP and raw IP sockets, and interface, address, route and rule
 * configuration over rtnetlink.
 *
 * <h2>Pieces</h2>
 * <ul>
 * <li>{@link org.ipsec4j.linux.TunDevice} (+ {@link org.ipsec4j.linux.TunOptions},
 *     {@link org.ipsec4j.linux.TunOffload}, {@link org.ipsec4j.linux.VirtioNetHeader}): IFF_TUN | IFF_NO_PI,
 *     optionally multi-queue and with the virtio-net header for checksum and TCP/UDP segmentation offload.</li>
 * <li>{@link org.ipsec4j.linux.UdpSocket} and {@link org.ipsec4j.linux.RawIpSocket} (ESP 50, AH 51), sharing
 *     {@link org.ipsec4j.linux.InetDatagramSocket}: SO_MARK, path-MTU discovery mode, packet info, the ICMP error
 *     queue ({@link org.ipsec4j.linux.SocketError}), single datagrams straight from/to {@code byte[]}, and
 *     {@link org.ipsec4j.linux.DatagramBatch} for recvmmsg/sendmmsg, UDP GSO and GRO.</li>
 * <li>{@link org.ipsec4j.linux.NetlinkRouteSocket} with {@link org.ipsec4j.linux.IpPrefix},
 *     {@link org.ipsec4j.linux.Route} and {@link org.ipsec4j.linux.RoutingRule}: what {@code ip link/addr/route/rule}
 *     do, with the kernel's error text ({@link org.ipsec4j.linux.NetlinkException}).</li>
 * <li>{@link org.ipsec4j.linux.NetworkNamespace}: open any of the above inside a named network namespace.</li>
 * </ul>
 *
 * <h2>Conventions</h2>
 * <ul>
 * <li><b>Native calls</b> all go through the package-private {@code LibC}: one downcall handle per C function,
 *     errno captured with {@code Linker.Option.captureCallState("errno")} and returned as {@code -errno}, so the
 *     hot path tells EAGAIN from an error without exceptions. Failures surface as
 *     {@link org.ipsec4j.linux.ErrnoException}, naming the call, its argument and the errno with its symbolic name
 *     and text. Struct layouts and constants come from the uapi headers and were checked with a throw-away C
 *     program compiled against this machine's headers (x86-64/aarch64 LP64).</li>
 * <li><b>Blocking and shutdown</b>: every descriptor is non-blocking; a blocking call first tries the operation
 *     and only when it would block waits in poll(2) together with a per-descriptor eventfd. {@code close()} from
 *     any thread signals the eventfd, so blocked readers wake with
 *     {@link java.nio.channels.AsynchronousCloseException}; the descriptor number is closed only after the last
 *     operation in progress has ended (no fd-reuse races), and {@code close()} returns once it is. Under load a
 *     read never polls: it costs one system call.</li>
 * <li><b>Memory</b>: nothing is allocated per packet. Single-packet calls on {@code byte[]} are critical downcalls
 *     ({@code Linker.Option.critical(true)}) that hand the array to the kernel directly; they only ever run on
 *     non-blocking descriptors, so the GC is held up for one short syscall at most. Batches own their native
 *     memory (mmsghdr, iovec, sockaddr, control and packet buffers, wired once) in a shared arena freed by
 *     {@code close()}: shared rather than confined because a batch is often made by one thread and used by the
 *     I/O thread. The errno capture area and the pollfd pair are per thread.</li>
 * <li><b>Threads</b>: a device or socket takes one reading and one writing thread at a time; a batch belongs to one
 *     thread. Use platform threads for I/O loops: a native call pins a virtual thread's carrier.</li>
 * <li><b>Namespaces</b>: setns(2) switches the calling OS thread only, and what a thread opens stays in the
 *     namespace it was opened in. {@link org.ipsec4j.linux.NetworkNamespace#call} runs the opening on a fresh
 *     platform thread that enters the namespace and then ends; the resulting device or socket is then used from
 *     any thread. The tests build namespaces with the lab module and open everything this way: robust (no JVM
 *     thread is ever left in a foreign namespace) and cheap (no helper JVM).</li>
 * </ul>
 *
 * <p>Per-packet costs measured on these machines are in the module's README; run {@code scripts/linux-io-bench}
 * as root to measure again.
 */
package org.ipsec4j.linux;
