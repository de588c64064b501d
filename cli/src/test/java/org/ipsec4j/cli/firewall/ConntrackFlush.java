package org.ipsec4j.cli.firewall;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import org.ipsec4j.linux.NetworkNamespace;

/**
 * Empties a namespace's connection-tracking table, as {@code conntrack -F} does (not installed here): one
 * ctnetlink IPCTNL_MSG_CT_DELETE without a tuple, family AF_UNSPEC, over NETLINK_NETFILTER.
 */
public final class ConntrackFlush {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_NETFILTER = 12;
    private static final short CT_DELETE = (1 << 8) | 2; // NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE
    private static final short NLM_F_REQUEST_ACK = 1 | 4;
    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDTO;
    private static final MethodHandle RECV;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        SOCKET = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        SENDTO = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        RECV = linker.downcallHandle(libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private ConntrackFlush() {
    }

    public static void flush(String netnsName) throws IOException {
        NetworkNamespace.named(netnsName).run(ConntrackFlush::flushHere);
    }

    private static void flushHere() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) SOCKET.invokeExact(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
            if (fd < 0) {
                throw new IOException("socket(AF_NETLINK, NETLINK_NETFILTER) failed");
            }
            try {
                MemorySegment message = arena.allocate(20, 4);
                message.set(JAVA_INT, 0, 20);
                message.set(JAVA_SHORT, 4, CT_DELETE);
                message.set(JAVA_SHORT, 6, NLM_F_REQUEST_ACK);
                message.set(JAVA_INT, 8, 1);
                message.set(JAVA_INT, 12, 0);
                message.set(JAVA_BYTE, 16, (byte) 0); // nfgen_family AF_UNSPEC: every family
                message.set(JAVA_BYTE, 17, (byte) 0); // NFNETLINK_V0
                MemorySegment kernel = arena.allocate(12, 4);
                kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
                long sent = (long) SENDTO.invokeExact(fd, message, 20L, 0, kernel, 12);
                if (sent != 20) {
                    throw new IOException("sendto(ctnetlink) returned " + sent);
                }
                MemorySegment answer = arena.allocate(4096, 4);
                long got = (long) RECV.invokeExact(fd, answer, 4096L, 0);
                if (got < 20 || answer.get(JAVA_SHORT, 4) != 2 /* NLMSG_ERROR */) {
                    throw new IOException("no ctnetlink acknowledgement (" + got + " bytes)");
                }
                int error = answer.get(JAVA_INT, 16);
                if (error != 0) {
                    throw new IOException("ctnetlink flush failed: errno " + -error);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
