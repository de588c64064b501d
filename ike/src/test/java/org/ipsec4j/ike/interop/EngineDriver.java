package org.ipsec4j.ike.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.ike.kernel.DataPlaneKernel;
import org.ipsec4j.ike.sa.Endpoint;
import org.ipsec4j.ike.sa.IkeDatagram;
import org.ipsec4j.ike.sa.IkeEngine;
import org.ipsec4j.ike.sa.IkeEvent;
import org.ipsec4j.ike.sa.IkeSaStatus;
import org.ipsec4j.ike.sa.IkeSettings;
import org.ipsec4j.ike.sa.SharedKeys;
import org.ipsec4j.linux.NetworkNamespace;

/**
 * Runs an IkeEngine on real UDP sockets (500 and 4500) opened inside a lab namespace, on one thread, with a
 * data plane that only holds the SAs (no TUN): enough to test IKE against strongSwan without the daemon.
 */
final class EngineDriver implements AutoCloseable {

    private final IkeEngine engine;
    private final DataPlane dataPlane;
    private final DatagramChannel ike;
    private final DatagramChannel natT;
    private final Selector selector;
    private final IpAddress address;
    private final ConcurrentLinkedQueue<Consumer<IkeEngine>> commands = new ConcurrentLinkedQueue<>();
    final List<IkeEvent> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile List<IkeSaStatus> status = List.of();

    EngineDriver(String netns, String address, SharedKeys keys) throws IOException {
        this.address = IpAddress.parse(address);
        this.dataPlane = new DataPlane(new SecurityPolicyDatabase(), new SecurityAssociationDatabase());
        this.engine = new IkeEngine(IkeSettings.DEFAULT, new DataPlaneKernel(dataPlane, System::nanoTime), keys,
                new SecureRandom(), Clock.systemUTC(), e -> {
                    events.add(e);
                    System.out.println("ipsec4j: " + e);
                });
        NetworkNamespace ns = NetworkNamespace.named(netns);
        this.ike = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(this.address.toInetAddress(), 500)));
        this.natT = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(this.address.toInetAddress(), 4500)));
        ike.configureBlocking(false);
        natT.configureBlocking(false);
        selector = Selector.open();
        ike.register(selector, SelectionKey.OP_READ);
        natT.register(selector, SelectionKey.OP_READ);
        thread = Thread.ofPlatform().name("ike-driver").start(this::loop);
    }

    /** Runs a command on the engine's thread. */
    void command(Consumer<IkeEngine> c) {
        commands.add(c);
        selector.wakeup();
    }

    List<IkeSaStatus> status() {
        return status;
    }

    DataPlane dataPlane() {
        return dataPlane;
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (running) {
                long now = System.nanoTime();
                long deadline = engine.nextDeadline();
                long waitMs = deadline == Long.MAX_VALUE ? 200 : Math.max(1, Math.min(200, (deadline - now) / 1_000_000));
                selector.select(waitMs);
                selector.selectedKeys().clear();
                now = System.nanoTime();
                Consumer<IkeEngine> c;
                while ((c = commands.poll()) != null) {
                    c.accept(engine);
                }
                receive(ike, 500, buf, now);
                receive(natT, 4500, buf, now);
                engine.onTimer(System.nanoTime());
                for (IkeDatagram d : engine.drainOutgoing()) {
                    send(d);
                }
                status = engine.status();
            }
        } catch (IOException e) {
            events.add(new IkeEvent(IkeEvent.Kind.IKE_SA_FAILED, "driver", e.toString()));
        }
    }

    private void receive(DatagramChannel ch, int port, ByteBuffer buf, long now) throws IOException {
        while (true) {
            buf.clear();
            InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
            if (from == null) {
                return;
            }
            buf.flip();
            byte[] data = new byte[buf.remaining()];
            buf.get(data);
            if (port == 4500) {
                if (data.length < 4 || data[0] != 0 || data[1] != 0 || data[2] != 0 || data[3] != 0) {
                    continue; // ESP or a keepalive: not IKE
                }
                data = java.util.Arrays.copyOfRange(data, 4, data.length);
            }
            engine.receive(new IkeDatagram(new Endpoint(address, port),
                    new Endpoint(IpAddress.of(from.getAddress()), from.getPort()), data), now);
        }
    }

    private void send(IkeDatagram d) throws IOException {
        byte[] data = d.data();
        DatagramChannel ch = d.local().port() == 500 ? ike : natT;
        if (d.needsNonEspMarker()) {
            byte[] m = new byte[data.length + 4];
            System.arraycopy(data, 0, m, 4, data.length);
            data = m;
        }
        ch.send(ByteBuffer.wrap(data), new InetSocketAddress(d.remote().address().toInetAddress(), d.remote().port()));
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ike.close();
        natT.close();
        selector.close();
    }
}
