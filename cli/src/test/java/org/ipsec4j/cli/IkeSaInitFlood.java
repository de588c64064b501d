package org.ipsec4j.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.ipsec4j.ike.crypto.DhGroup;
import org.ipsec4j.ike.message.ExchangeType;
import org.ipsec4j.ike.message.IkeHeader;
import org.ipsec4j.ike.message.IkeMessage;
import org.ipsec4j.ike.message.KeyExchangePayload;
import org.ipsec4j.ike.message.MalformedMessageException;
import org.ipsec4j.ike.message.MessageCodec;
import org.ipsec4j.ike.message.NoncePayload;
import org.ipsec4j.ike.message.NotifyType;
import org.ipsec4j.ike.message.Proposal;
import org.ipsec4j.ike.message.ProtocolId;
import org.ipsec4j.ike.message.SecurityAssociationPayload;
import org.ipsec4j.ike.message.Transform;
import org.ipsec4j.ike.message.TransformType;

/**
 * An IKE_SA_INIT flood for lab tests, run in an attacker namespace: {@code COUNT} valid-looking requests
 * (AES-GCM-128, PRF-HMAC-SHA2-256, ECP-256 with a real public value, each with its own SPI and nonce) at
 * {@code RATE} per second to {@code ADDRESS:PORT}, from {@code PORTS} sockets on random source ports. It reads
 * the answers and prints one line: {@code sent N from P ports: A answers, C COOKIE, S SA, O other}.
 *
 * <p>Usage: {@code IkeSaInitFlood ADDRESS PORT COUNT RATE PORTS}
 */
public final class IkeSaInitFlood {

    private IkeSaInitFlood() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int ports = Integer.parseInt(args[4]);
        SecureRandom random = new SecureRandom();
        byte[] publicValue = DhGroup.ECP_256.generate(random).publicValue();
        Proposal proposal = new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                Transform.of(TransformType.ENCR, 20, 128), Transform.of(TransformType.PRF, 5),
                Transform.of(TransformType.DH, 19)));
        List<DatagramChannel> channels = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.bind(new InetSocketAddress(0)); // the kernel picks a free ephemeral port
            c.configureBlocking(false);
            channels.add(c);
        }
        int[] answers = new int[3]; // COOKIE, SA, other
        ByteBuffer in = ByteBuffer.allocate(2048);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] nonce = new byte[32];
            random.nextBytes(nonce);
            IkeHeader header = new IkeHeader(random.nextLong() | 1, 0, 0, 2, 0, ExchangeType.IKE_SA_INIT.value(), true,
                    false, false, 0, 0);
            byte[] message = MessageCodec.encode(header, List.of(new SecurityAssociationPayload(List.of(proposal)),
                    new KeyExchangePayload(19, publicValue), new NoncePayload(nonce)));
            DatagramChannel c = channels.get(i % ports);
            c.send(ByteBuffer.wrap(message), target);
            drain(c, in, answers);
            long due = start + (long) (i + 1) * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (DatagramChannel c : channels) {
                drain(c, in, answers);
            }
            Thread.sleep(10);
        }
        System.out.printf("sent %d from %d ports in %d ms: %d answers, %d COOKIE, %d SA, %d other%n", count, ports,
                (System.nanoTime() - start) / 1_000_000 - 1000, answers[0] + answers[1] + answers[2], answers[0],
                answers[1], answers[2]);
    }

    private static void drain(DatagramChannel c, ByteBuffer in, int[] answers) throws IOException {
        while (true) {
            in.clear();
            if (c.receive(in) == null) {
                return;
            }
            in.flip();
            byte[] data = new byte[in.remaining()];
            in.get(data);
            try {
                IkeMessage m = MessageCodec.decode(data, 0, data.length);
                if (m.notify(NotifyType.COOKIE) != null) {
                    answers[0]++;
                } else if (m.first(SecurityAssociationPayload.class) != null) {
                    answers[1]++;
                } else {
                    answers[2]++;
                }
            } catch (MalformedMessageException e) {
                answers[2]++;
            }
        }
    }
}
