package org.ipsec4j.daemon.ike;

import java.util.Objects;

import org.ipsec4j.daemon.loop.DataPlaneGate;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.ike.sa.ChildSaInstallation;
import org.ipsec4j.ike.sa.IpsecKernel;

/**
 * The data plane as IKE's kernel, changed only while the packet threads wait at the {@link DataPlaneGate}:
 * removing an SA zeroes its keys, which must not happen under a packet half way through its codec, and a
 * setkey reload that rebuilds the SPD must not interleave with IKE adding policies. Counters are read without
 * the gate, as {@code status} reads them.
 */
final class GatedKernel implements IpsecKernel {

    private final IpsecKernel kernel;
    private final DataPlaneGate gate;
    private final java.util.concurrent.atomic.AtomicBoolean holdsChanged = new java.util.concurrent.atomic.AtomicBoolean(true);

    GatedKernel(IpsecKernel kernel, DataPlaneGate gate) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** Whether holds were added or released since the last call (true the first time: routes to set up). */
    boolean holdsChanged() {
        return holdsChanged.getAndSet(false);
    }

    // Holds live in the SPD's own tier, published atomically: no gate needed.
    @Override
    public void hold(String key, java.util.List<org.ipsec4j.esp.selector.TrafficSelector> selectors) {
        kernel.hold(key, selectors);
        holdsChanged.set(true);
    }

    @Override
    public void release(String key) {
        kernel.release(key);
        holdsChanged.set(true);
    }

    // The path MTU's values are published under its own lock, read by the packet threads as volatiles: no gate.
    @Override
    public void updatePathMtu(int reqid, int pathMtu) {
        kernel.updatePathMtu(reqid, pathMtu);
    }

    @Override
    public void updatePathMtuSearchBase(int reqid, int base) {
        kernel.updatePathMtuSearchBase(reqid, base);
    }

    @Override
    public int allocateSpi() {
        return kernel.allocateSpi();
    }

    @Override
    public void releaseSpi(int spi) {
        kernel.releaseSpi(spi);
    }

    @Override
    public void install(ChildSaInstallation pair, boolean useForOutbound) {
        gate.exclusively(() -> kernel.install(pair, useForOutbound));
    }

    @Override
    public void remove(int reqid, int inboundSpi, int outboundSpi) {
        gate.exclusively(() -> kernel.remove(reqid, inboundSpi, outboundSpi));
    }

    @Override
    public void updateAddresses(int reqid, IpAddress local, IpAddress remote, UdpEncapsulation encapsulation) {
        gate.exclusively(() -> kernel.updateAddresses(reqid, local, remote, encapsulation));
    }

    @Override
    public ChildSaUsage usage(int inboundSpi, int outboundSpi) {
        return kernel.usage(inboundSpi, outboundSpi);
    }
}
