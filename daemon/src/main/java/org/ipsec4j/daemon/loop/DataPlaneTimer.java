package org.ipsec4j.daemon.loop;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.ipsec4j.daemon.state.SequenceReservation;
import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.sad.LifetimeEvent;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.linux.SocketEndpoint;
import org.ipsec4j.linux.UdpSocket;

/**
 * The data plane's timer thread: SA lifetimes (RFC 4301 §4.4.2.1: soft and hard, by time; byte and packet
 * limits are counted on the packet threads and reported here) and NAT keepalives (RFC 3948 §4: one byte 0xFF
 * after an interval without traffic on an outbound ESP-in-UDP SA). It wakes when the next of them is due, at
 * least once a second, and does its work while the packet threads wait at the gate: expiring an SA zeroes
 * its keys, and a keepalive goes through the outbound data plane and socket.
 *
 * <p>It also keeps the outbound SAs' sequence-number reservations ahead of their counters, every
 * {@value #RESERVATION_CHECK_MILLIS} ms or when the outbound thread {@linkplain #wake wakes} it, without the
 * gate: writing a reservation waits for the disk, and the packets need not.
 */
public final class DataPlaneTimer implements Runnable {

    private static final long MAX_SLEEP_NANOS = 1_000_000_000L;
    static final long RESERVATION_CHECK_MILLIS = 100;
    private static final long RESERVATION_CHECK_NANOS = RESERVATION_CHECK_MILLIS * 1_000_000L;

    private final SecurityAssociationDatabase sad;
    private final DataPlane outbound;
    private final OuterSocketSet sockets;
    private final DataPlaneGate gate;
    private final Consumer<String> log;
    private final Supplier<List<SequenceReservation>> reservations;
    private final RateLimitedLog reservationProblems;
    private final byte[] buffer = new byte[128];
    private final OutboundResult result = new OutboundResult();
    private volatile boolean stopped;
    private volatile Thread thread;

    public DataPlaneTimer(SecurityAssociationDatabase sad, DataPlane outbound, OuterSocketSet sockets,
            DataPlaneGate gate, Supplier<List<SequenceReservation>> reservations, Consumer<String> log) {
        this.sad = sad;
        this.outbound = outbound;
        this.sockets = sockets;
        this.gate = gate;
        this.reservations = reservations;
        this.log = log;
        this.reservationProblems = new RateLimitedLog(log, DropLog.INTERVAL_NANOS);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!stopped) {
            List<SequenceReservation> current = reservations.get();
            extendReservations(current, System.nanoTime());
            long now = System.nanoTime();
            long deadline = Math.min(sad.nextDeadline(), outbound.nextKeepaliveNanos()); // MAX_VALUE: none
            if (deadline != Long.MAX_VALUE && deadline - now <= 0) {
                gate.exclusively(() -> tick(System.nanoTime()));
                continue;
            }
            long sleep = current.isEmpty() ? MAX_SLEEP_NANOS : RESERVATION_CHECK_NANOS;
            if (deadline != Long.MAX_VALUE) {
                sleep = Math.min(sleep, deadline - now);
            }
            LockSupport.parkNanos(sleep);
        }
    }

    private void extendReservations(List<SequenceReservation> current, long now) {
        for (SequenceReservation reservation : current) {
            try {
                reservation.extendIfLow();
            } catch (IOException e) {
                reservationProblems.log("cannot extend the sequence-number reservation of " + reservation.key()
                        + ": " + e.getMessage() + "; once its reserved numbers (through "
                        + reservation.reservedThrough() + ") are used, its packets are dropped as "
                        + "sequence-not-reserved", now);
            }
        }
    }

    /** Checks the reservations now (the outbound thread found one used up). */
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void tick(long now) {
        List<LifetimeEvent> events = sad.expire(now);
        for (LifetimeEvent event : events) {
            log.accept("lifetime: " + event.severity().name().toLowerCase() + " limit ("
                    + event.cause().name().toLowerCase().replace('_', ' ') + ") reached by " + event.sa().description()
                    + (event.severity() == LifetimeEvent.Severity.HARD ? "; SA removed, keys zeroed" : ""));
        }
        OutboundResult r;
        while ((r = outbound.nextKeepalive(buffer, 0, now, result)) != null) {
            SecurityAssociation sa = r.sa();
            UdpSocket socket = sockets.udp(sa.localAddress().family(), r.sourcePort());
            if (socket == null) {
                continue;
            }
            try {
                socket.send(r.buffer(), r.payloadOffset(), r.payloadLength(),
                        SocketEndpoint.of(sa.remoteAddress().toInetAddress(), r.destinationPort()));
            } catch (IOException e) {
                log.accept("NAT keepalive to " + sa.remoteAddress() + " failed: " + e.getMessage());
            }
        }
    }

    /** Ends the thread soon. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
