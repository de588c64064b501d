package org.ipsec4j.diag.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.keys.EspDecryptor;
import org.ipsec4j.ike.keys.IkeDecryptor;
import org.ipsec4j.ike.keys.KeyLog;
import org.ipsec4j.ike.message.NotifyPayload;
import org.ipsec4j.ike.message.Payload;
import org.ipsec4j.wire.BigEndian;
import org.ipsec4j.wire.IpProtocol;
import org.ipsec4j.wire.MalformedPacketException;

/**
 * A {@link KeySource} that knows the keys of a {@link KeyLog} (ipsec4j's own, or charon's at {@code ike = 4} /
 * {@code chd = 4}) and opens messages and packets with the ike module's {@link IkeDecryptor} (SK, and SKF joined
 * as RFC 7383 §2.6 says) and {@link EspDecryptor}. It owns the log: close it when the analysis is done, and it
 * destroys the ciphers and zeroes the keys.
 */
public final class KeyLogKeySource implements KeySource, AutoCloseable {

    private final KeyLog log;
    private final IkeDecryptor ike;
    private final EspDecryptor esp;
    private final PacketDissector dissector = new PacketDissector();
    private final IpHeaderFields inner = new IpHeaderFields();

    public KeyLogKeySource(KeyLog log) {
        this.log = log;
        this.ike = new IkeDecryptor(log);
        this.esp = new EspDecryptor(log);
    }

    /**
     * Reads a key log file.
     *
     * @throws org.ipsec4j.ike.keys.KeyLogException it is not a key log (the message names the file and line)
     * @throws IOException it cannot be read
     */
    public static KeyLogKeySource read(Path file) throws IOException {
        return new KeyLogKeySource(KeyLog.read(file));
    }

    /** What the log could not give (a charon log without keys, an algorithm without a cipher here). */
    public List<String> notes() {
        return log.notes();
    }

    public KeyLog log() {
        return log;
    }

    @Override
    public OpenedIkeMessage openIke(IkeDatagram header, byte[] message, int offset, int length) {
        return switch (ike.decrypt(message, offset, length)) {
            case IkeDecryptor.Decrypted d -> {
                List<Payload> all = d.message().payloads();
                // The clear payloads in front of SK stay in front: the last fragment's header has none.
                int clear = Math.max(0, Math.min(all.size(), header.payloads().size() - 1));
                List<Payload> inside = all.subList(clear, all.size());
                List<Integer> types = new ArrayList<>(inside.size());
                List<Integer> notifies = new ArrayList<>();
                for (Payload p : inside) {
                    types.add(p.typeValue());
                    if (p instanceof NotifyPayload n) {
                        notifies.add(n.notifyType());
                    }
                }
                yield new OpenedIkeMessage(types, notifies, InnerPayloads.describe(inside), d.fragments(), null);
            }
            case IkeDecryptor.Fragment f -> OpenedIkeMessage.heldFragment();
            case IkeDecryptor.Failed f when f.header() != null && f.noKeys() -> null;
            case IkeDecryptor.Failed f -> OpenedIkeMessage.failed(f.reason());
            case IkeDecryptor.Plain p -> null;
        };
    }

    @Override
    public OpenedEspPacket openEsp(int spi, NetAddress destination, byte[] packet, int offset, int length) {
        return switch (esp.decrypt(packet, offset, length)) {
            case EspDecryptor.Decrypted d -> new OpenedEspPacket(d.nextHeader(), d.payload().length,
                    innerFlow(d.nextHeader(), d.payload()), null);
            case EspDecryptor.Dummy d -> new OpenedEspPacket(59, 0, "dummy packets (next header 59)", null);
            case EspDecryptor.Failed f when f.noKeys() -> null;
            case EspDecryptor.Failed f -> OpenedEspPacket.failed(f.reason());
        };
    }

    /** The inner packet's flow in words: protocol, addresses, and ports for TCP and UDP. */
    String innerFlow(int nextHeader, byte[] payload) {
        try {
            switch (nextHeader) {
                case 4 -> dissector.ipv4(payload, 0, payload.length, false, inner);
                case 41 -> dissector.ipv6(payload, 0, payload.length, false, inner);
                default -> {
                    return "transport mode, next header " + IpProtocol.name(nextHeader);
                }
            }
        } catch (MalformedPacketException e) {
            return "malformed inner packet";
        }
        String protocol = IpProtocol.name(inner.protocol);
        boolean ports = (inner.protocol == IpProtocol.TCP || inner.protocol == IpProtocol.UDP)
                && !inner.fragment && inner.transportPresent >= 4;
        if (ports) {
            int sport = BigEndian.u16(payload, inner.transportOffset);
            int dport = BigEndian.u16(payload, inner.transportOffset + 2);
            return protocol + " " + new TransportEndpoint(inner.source(), sport) + " > "
                    + new TransportEndpoint(inner.destination(), dport);
        }
        return protocol + " " + inner.source() + " > " + inner.destination();
    }

    @Override
    public void close() {
        ike.close();
        esp.close();
        log.destroy();
    }
}
