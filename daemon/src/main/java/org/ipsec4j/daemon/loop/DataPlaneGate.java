package org.ipsec4j.daemon.loop;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets configuration changes and timer work run while no packet is being processed. The packet threads hold
 * the shared side around each batch (two uncontended lock operations per batch, not per packet); a reload,
 * lifetime expiry and NAT keepalives take the exclusive side, so they never meet a packet half way through an
 * SA's codec, whose keys they may zero (each codec thus stays used by one thread at a time, as it must).
 */
public final class DataPlaneGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Before a batch of packets. */
    public void enter() {
        lock.readLock().lock();
    }

    /** After the batch. */
    public void exit() {
        lock.readLock().unlock();
    }

    /** Runs {@code change} with every packet thread between batches. */
    public void exclusively(Runnable change) {
        lock.writeLock().lock();
        try {
            change.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
