package org.ipsec4j.bench.esp;

import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.ipsec4j.esp.DataPlane;
import org.ipsec4j.esp.InboundResult;
import org.ipsec4j.esp.OutboundResult;
import org.ipsec4j.esp.crypto.Decapsulated;
import org.ipsec4j.esp.crypto.DecapsulationResult;
import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspCodec;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.sad.SecurityProtocol;
import org.ipsec4j.esp.sad.UdpEncapsulation;
import org.ipsec4j.esp.selector.AddressRange;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.PacketClassifier;
import org.ipsec4j.esp.selector.PacketSelector;
import org.ipsec4j.esp.selector.TrafficSelector;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.PolicyAction;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;
import org.ipsec4j.wire.UdpDatagram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 1400-byte inner IPv4 packet through the whole data plane with AES-GCM-128 (tunnel mode, ESP in UDP over
 * IPv4), next to the codec alone and the JDK's bare AES-GCM on the same bytes. Every benchmark first copies
 * the packet into its buffer (about 30 ns), so the differences are the layers' own cost.
 *
 * <ul>
 *   <li>{@code jdkGcmSeal}: {@code Cipher.init} + 8 bytes of AAD + {@code doFinal} over 1402 bytes.</li>
 *   <li>{@code codecEncapsulate} / {@code codecRoundTrip}: {@link EspCodec} alone.</li>
 *   <li>{@code classifyAndLookup}: the data plane's first step alone, selectors from the headers and the
 *       SPD lookup.</li>
 *   <li>{@code dataPlaneOutbound}: SPD lookup, SA, ESP, outer IPv4 and UDP headers.</li>
 *   <li>{@code dataPlaneRoundTrip}: that, then the peer's inbound path: demux, SAD lookup, replay window,
 *       decapsulation, inner selector check (plus a copy of the outer packet onto the peer's buffer).</li>
 * </ul>
 * Run with {@code -prof gc} for allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DataPlaneBenchmark {

    private static final int INNER = 1400;
    private static final int OFF = DataPlane.HEADROOM;
    private static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);

    private final byte[] template = new byte[OFF + INNER + DataPlane.TAILROOM];
    private final byte[] buf = new byte[OFF + INNER + DataPlane.TAILROOM];
    private final byte[] wire = new byte[OFF + INNER + 200];

    private DataPlane left;
    private SecurityPolicyDatabase leftSpd;
    private final PacketClassifier classifier = new PacketClassifier();
    private final PacketSelector selector = new PacketSelector();
    private DataPlane right;
    private final OutboundResult out = new OutboundResult();
    private final InboundResult in = new InboundResult();

    private EspCodec sender;
    private EspCodec receiver;
    private final Decapsulated decapsulated = new Decapsulated();
    private long seq;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private long nonceCounter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        IpAddress l = IpAddress.parse("192.0.2.1");
        IpAddress r = IpAddress.parse("198.51.100.1");
        byte[] k1 = new byte[20];
        byte[] k2 = new byte[20];
        for (int i = 0; i < 20; i++) {
            k1[i] = (byte) i;
            k2[i] = (byte) (100 + i);
        }
        left = peer(l, r, k1, k2, 0x1001, 0x2002, "10.1.0.0/16", "10.2.0.0/16");
        leftSpd = left.spd();
        right = peer(r, l, k2, k1, 0x2002, 0x1001, "10.2.0.0/16", "10.1.0.0/16");
        // As in the daemon: every verified ESP-in-UDP packet's source is compared with the SA's peer (NAT mapping
        // changes, RFC 7296 §2.23); here it never moves, and a report would be a bug.
        right.setPeerMoveListener((sa, address, port) -> {
            throw new IllegalStateException("the peer did not move, but " + address + ":" + port + " was reported");
        });
        UdpDatagram.writeIpv4(template, OFF, IpAddress.parse("10.1.0.5").ipv4Value(), IpAddress.parse("10.2.0.5").ipv4Value(),
                5000, 6000, 64, 1, true, INNER - 28);

        sender = new EspCodec(GCM, 0x3003, false, k1, null);
        receiver = new EspCodec(GCM, 0x3003, false, k1, null);
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        key = new SecretKeySpec(k1, 0, 16, "AES");
    }

    private static DataPlane peer(IpAddress self, IpAddress other, byte[] outKey, byte[] inKey, int outSpi, int inSpi,
                                  String localNet, String remoteNet) {
        SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        PolicyAction protect = PolicyAction.protect(IpsecTemplate.tunnel(SecurityProtocol.ESP, self, other));
        TrafficSelector ts = TrafficSelector.between(AddressRange.parse(localNet), AddressRange.parse(remoteNet));
        SecurityPolicy outPolicy = spd.add(new SecurityPolicy(Direction.OUT, ts, protect));
        spd.add(new SecurityPolicy(Direction.IN, ts, protect));
        SecurityAssociation outSa = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, outSpi, GCM, outKey, null)
                .mode(IpsecMode.TUNNEL).endpoints(self, other).udpEncapsulation(UdpEncapsulation.DEFAULT).build();
        SecurityAssociation inSa = SecurityAssociation.esp(SecurityAssociation.Flow.INBOUND, inSpi, GCM, inKey, null)
                .mode(IpsecMode.TUNNEL).endpoints(self, other).udpEncapsulation(UdpEncapsulation.DEFAULT).build();
        sad.install(outSa, 0);
        sad.install(inSa, 0);
        outPolicy.bindOutboundSa(outSa);
        return new DataPlane(spd, sad);
    }

    private void copyIn() {
        System.arraycopy(template, OFF, buf, OFF, INNER);
    }

    @Benchmark
    public int jdkGcmSeal() throws Exception {
        copyIn();
        long n = ++nonceCounter;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (56 - 8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(buf, OFF - 16, 8);
        return cipher.doFinal(buf, OFF, INNER + 2, buf, OFF);
    }

    @Benchmark
    public int codecEncapsulate() {
        copyIn();
        return sender.encapsulate(++seq, 4, buf, OFF, INNER, buf, OFF - GCM.headerLength());
    }

    @Benchmark
    public DecapsulationResult codecRoundTrip() {
        copyIn();
        long s = ++seq;
        int len = sender.encapsulate(s, 4, buf, OFF, INNER, buf, OFF - GCM.headerLength());
        return receiver.decapsulate(s, buf, OFF - GCM.headerLength(), len, decapsulated);
    }

    @Benchmark
    public SecurityPolicy classifyAndLookup() {
        classifier.classify(template, OFF, INNER, true, selector);
        return leftSpd.lookup(Direction.OUT, selector);
    }

    @Benchmark
    public OutboundResult dataPlaneOutbound() {
        copyIn();
        return left.processOutbound(buf, OFF, INNER, 0, out);
    }

    @Benchmark
    public InboundResult dataPlaneRoundTrip() {
        copyIn();
        OutboundResult o = left.processOutbound(buf, OFF, INNER, 0, out);
        System.arraycopy(buf, o.packetOffset(), wire, OFF, o.packetLength());
        InboundResult i = right.processInboundPacket(wire, OFF, o.packetLength(), 0, in);
        if (i.action() != InboundResult.Action.DELIVER) {
            throw new IllegalStateException(i.toString());
        }
        return i;
    }
}
