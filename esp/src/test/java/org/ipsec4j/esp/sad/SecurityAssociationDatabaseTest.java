package org.ipsec4j.esp.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import org.ipsec4j.esp.crypto.EncryptionAlgorithm;
import org.ipsec4j.esp.crypto.EspTransform;
import org.ipsec4j.esp.crypto.IntegrityAlgorithm;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.selector.IpFamily;
import org.junit.jupiter.api.Test;

class SecurityAssociationDatabaseTest {

    static final EspTransform GCM = EspTransform.of(EncryptionAlgorithm.AES_GCM_16_128, IntegrityAlgorithm.NONE, false);
    static final IpAddress A = IpAddress.parse("192.0.2.1");
    static final IpAddress B = IpAddress.parse("198.51.100.1");

    static SecurityAssociation sa(SecurityAssociation.Flow flow, int spi, IpAddress local, LifetimeLimits limits) {
        return SecurityAssociation.esp(flow, spi, GCM, new byte[20], null)
                .endpoints(local, local.equals(A) ? B : A).lifetime(limits).build();
    }

    @Test
    void inboundLookupBySpiProtocolAndDestination() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        SecurityAssociation toA = sa(SecurityAssociation.Flow.INBOUND, 0x1000, A, LifetimeLimits.UNLIMITED);
        SecurityAssociation toB = sa(SecurityAssociation.Flow.INBOUND, 0x1000, B, LifetimeLimits.UNLIMITED);
        SecurityAssociation out = sa(SecurityAssociation.Flow.OUTBOUND, 0x2000, A, LifetimeLimits.UNLIMITED);
        sad.install(toA, 0);
        sad.install(toB, 0);
        sad.install(out, 0);
        assertSame(toA, sad.lookupInbound(0x1000, SecurityProtocol.ESP, IpFamily.IPV4, A.toBytes(), 0));
        assertSame(toB, sad.lookupInbound(0x1000, SecurityProtocol.ESP, IpFamily.IPV4, B.toBytes(), 0));
        assertNull(sad.lookupInbound(0x1000, SecurityProtocol.AH, IpFamily.IPV4, A.toBytes(), 0));
        assertNull(sad.lookupInbound(0x2000, SecurityProtocol.ESP), "outbound SAs are not found by SPI");
        assertNull(sad.lookupInbound(0x1001, SecurityProtocol.ESP));
        assertTrue(sad.lookupInbound(0x1000, SecurityProtocol.ESP) != null, "without a destination: by SPI alone");
        assertThrows(IllegalArgumentException.class,
                () -> sad.install(sa(SecurityAssociation.Flow.INBOUND, 0x1000, A, LifetimeLimits.UNLIMITED), 0));
        assertTrue(sad.remove(toA));
        assertNull(sad.lookupInbound(0x1000, SecurityProtocol.ESP, IpFamily.IPV4, A.toBytes(), 0));
        assertTrue(toA.espCodec().isDestroyed(), "keys zeroed on removal");
        assertFalse(sad.remove(toA));
        assertEquals(2, sad.size());
    }

    @Test
    void manyInboundSasFoundAfterGrowth() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        List<SecurityAssociation> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            SecurityAssociation s = sa(SecurityAssociation.Flow.INBOUND, sad.allocateSpi(), A, LifetimeLimits.UNLIMITED);
            sad.install(s, 0);
            all.add(s);
        }
        for (SecurityAssociation s : all) {
            assertSame(s, sad.lookupInbound(s.spi(), SecurityProtocol.ESP, IpFamily.IPV4, A.toBytes(), 0));
        }
    }

    /** SPIs from a random source are never 0–255 and never collide with a live SA or a reservation (seed 004). */
    @Property(tries = 50)
    void spiAllocationNeverCollides(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int operations) {
        Random rnd = new Random(seed);
        // A poor random source (few distinct values, many in 0..255) forces the collision paths.
        int[] pool = new int[64];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i < 16 ? rnd.nextInt(256) : rnd.nextInt();
        }
        // RandomGenerator.nextInt() takes the high half of nextLong().
        RandomGenerator weak = () -> rnd.nextInt(4) == 0 ? (long) pool[rnd.nextInt(pool.length)] << 32 : rnd.nextLong();
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase(weak);
        Set<Integer> live = new HashSet<>();
        List<SecurityAssociation> sas = new ArrayList<>();
        for (int op = 0; op < operations; op++) {
            int choice = rnd.nextInt(10);
            if (choice < 6 || sas.isEmpty()) {
                int spi = sad.allocateSpi();
                assertTrue(Integer.compareUnsigned(spi, 256) >= 0, "reserved SPI " + spi);
                assertTrue(live.add(spi), "SPI 0x" + Integer.toHexString(spi) + " handed out while in use");
                if (rnd.nextInt(8) == 0) {
                    sad.releaseSpi(spi); // negotiation failed
                    live.remove(spi);
                } else {
                    SecurityAssociation s = sa(SecurityAssociation.Flow.INBOUND, spi, A, LifetimeLimits.UNLIMITED);
                    sad.install(s, op);
                    sas.add(s);
                }
            } else if (choice < 8) {
                // An outbound SA whose SPI the peer chose: allocation must avoid it too.
                int spi = rnd.nextInt(4) == 0 ? pool[16 + rnd.nextInt(48)] : rnd.nextInt();
                if (spi != 0 && live.add(spi)) {
                    SecurityAssociation s = sa(SecurityAssociation.Flow.OUTBOUND, spi, A, LifetimeLimits.UNLIMITED);
                    sad.install(s, op);
                    sas.add(s);
                }
            } else {
                SecurityAssociation s = sas.remove(rnd.nextInt(sas.size()));
                sad.remove(s);
                live.remove(s.spi());
            }
        }
        for (int spi : live) {
            assertTrue(sad.spiInUse(spi));
        }
    }

    @Test
    void allocationGivesUpWhenTheRandomSourceIsStuck() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase(() -> 7L << 32); // always a reserved SPI
        assertThrows(IllegalStateException.class, sad::allocateSpi);
        SecurityAssociationDatabase one = new SecurityAssociationDatabase(() -> 0x12345678L << 32);
        assertEquals(0x12345678, one.allocateSpi());
        assertThrows(IllegalStateException.class, one::allocateSpi, "the only value is taken");
        one.releaseSpi(0x12345678);
        assertEquals(0x12345678, one.allocateSpi(), "free again after release");
    }

    @Test
    void packetAndByteLimitsRaiseSoftThenHard() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        List<LifetimeEvent> heard = new ArrayList<>();
        sad.setListener(heard::add);
        SecurityAssociation s = sa(SecurityAssociation.Flow.OUTBOUND, 0x3000, A,
                LifetimeLimits.UNLIMITED.withPackets(3, 5).withBytes(1_000_000, 2_000_000));
        sad.install(s, 0);
        for (int i = 1; i <= 5; i++) {
            assertTrue(sad.checkUsable(s, i));
            sad.account(s, 100, i);
            if (i < 3) {
                assertEquals(SecurityAssociation.State.ACTIVE, s.state());
            }
        }
        assertEquals(2, heard.size());
        assertEquals(new LifetimeEvent(s, LifetimeEvent.Severity.SOFT, LifetimeEvent.Cause.PACKETS, 3), heard.get(0));
        assertEquals(new LifetimeEvent(s, LifetimeEvent.Severity.HARD, LifetimeEvent.Cause.PACKETS, 5), heard.get(1));
        assertFalse(sad.checkUsable(s, 6));
        assertEquals(0, sad.size(), "hard expiry removes the SA");
        assertEquals(heard, sad.expire(7), "the same events are queued for the poll");
        assertEquals(List.of(), sad.expire(8));

        SecurityAssociation b = sa(SecurityAssociation.Flow.INBOUND, 0x3001, A,
                LifetimeLimits.UNLIMITED.withBytes(1000, 1500));
        sad.install(b, 0);
        sad.account(b, 999, 1);
        assertEquals(SecurityAssociation.State.ACTIVE, b.state());
        sad.account(b, 1, 2);
        assertEquals(SecurityAssociation.State.SOFT_EXPIRED, b.state());
        sad.account(b, 400, 3);
        assertEquals(SecurityAssociation.State.SOFT_EXPIRED, b.state(), "soft is raised once");
        sad.account(b, 100, 4);
        assertEquals(SecurityAssociation.State.HARD_EXPIRED, b.state());
        List<LifetimeEvent> events = sad.expire(5);
        assertEquals(List.of(LifetimeEvent.Severity.SOFT, LifetimeEvent.Severity.HARD),
                events.stream().map(LifetimeEvent::severity).toList());
        assertEquals(LifetimeEvent.Cause.BYTES, events.get(1).cause());
        assertNull(sad.lookupInbound(0x3001, SecurityProtocol.ESP));
    }

    @Test
    void timeLimitsWithASimulatedClock() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        long t0 = 1_000_000_000_000L;
        SecurityAssociation s = sa(SecurityAssociation.Flow.INBOUND, 0x4000, A,
                LifetimeLimits.UNLIMITED.withTime(Duration.ofMinutes(50), Duration.ofHours(1)));
        SecurityAssociation forever = sa(SecurityAssociation.Flow.INBOUND, 0x4001, A, LifetimeLimits.UNLIMITED);
        sad.install(s, t0);
        sad.install(forever, t0);
        assertEquals(t0 + Duration.ofMinutes(50).toNanos(), sad.nextDeadline());
        assertEquals(List.of(), sad.expire(t0 + Duration.ofMinutes(49).toNanos()));
        List<LifetimeEvent> soft = sad.expire(t0 + Duration.ofMinutes(50).toNanos());
        assertEquals(1, soft.size());
        assertEquals(LifetimeEvent.Severity.SOFT, soft.get(0).severity());
        assertEquals(LifetimeEvent.Cause.TIME, soft.get(0).cause());
        assertEquals(t0 + Duration.ofHours(1).toNanos(), sad.nextDeadline(), "after soft, the hard deadline");
        assertTrue(sad.checkUsable(s, t0 + Duration.ofMinutes(59).toNanos()));
        // The packet path notices the hard deadline itself, without waiting for the poll.
        assertFalse(sad.checkUsable(s, t0 + Duration.ofHours(1).toNanos()));
        List<LifetimeEvent> hard = sad.expire(t0 + Duration.ofHours(1).toNanos() + 1);
        assertEquals(1, hard.size());
        assertEquals(LifetimeEvent.Severity.HARD, hard.get(0).severity());
        assertEquals(List.of(forever), sad.list());
        assertEquals(Long.MAX_VALUE, sad.nextDeadline());
        assertNotEquals(null, forever.espCodec());
    }

    @Test
    void sequenceExhaustionEndsTheSa() {
        SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
        SecurityAssociation s = SecurityAssociation.esp(SecurityAssociation.Flow.OUTBOUND, 0x5000, GCM, new byte[20], null)
                .endpoints(A, B).initialSequence(0xFFFF_FFFEL).build();
        sad.install(s, 0);
        assertEquals(0xFFFF_FFFFL, s.sequenceCounter().next());
        assertEquals(-1, s.sequenceCounter().next());
        sad.sequenceExhausted(s, 1);
        assertEquals(SecurityAssociation.State.HARD_EXPIRED, s.state());
        assertEquals(LifetimeEvent.Cause.SEQUENCE_EXHAUSTED, sad.expire(2).get(0).cause());
    }
}
