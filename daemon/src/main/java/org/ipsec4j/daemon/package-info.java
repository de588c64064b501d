/**
 * The ipsec4j daemon: the ESP data plane over real Linux I/O, keyed from setkey files. {@link
 * org.ipsec4j.daemon.Daemon} wires the parts: {@code config} maps setkey files onto the SAD and SPD all or
 * nothing, {@code net} owns the TUN device and its routing, {@code loop} runs the packet threads and the timer,
 * {@code control} answers {@code status} and {@code reload} on a Unix-domain socket.
 */
package org.ipsec4j.daemon;
