package org.ipsec4j.diag.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One IKE SA as the capture saw it, named by its initiator SPI (IKEv1: initiator cookie): endpoints, the NAT-T
 * port float, the messages (the first {@value #MAX_LISTED_MESSAGES} listed, all counted), the IKEv2 exchanges,
 * NAT detection, and changes of a peer's address or port.
 */
public final class IkeSaRecord {

    static final int MAX_LISTED_MESSAGES = 64;
    /** Live exchanges per SA; older ones are folded into counters (unanswered ones kept for the findings). */
    static final int MAX_LIVE_EXCHANGES = 8;
    static final int MAX_KEPT_UNANSWERED = 8;
    private static final int MAX_FINGERPRINTS = 128;
    private static final int MAX_MAPPING_CHANGES = 8;

    /** At most this many error notifies found in decrypted messages are kept per SA. */
    static final int MAX_ERROR_NOTIFIES = 8;

    /**
     * An error notify (RFC 7296 §3.10.1) inside a decrypted message: its type, the exchange it belongs to, and
     * the packets of every copy that carried it.
     */
    public record ErrorNotify(int type, IkeMessageSighting message, IkeExchange exchange, List<Long> packets) {}

    /** A peer's address or port changed at one observation point (not the 500 to 4500 float). */
    public record MappingChange(long packet, ObservationPoint point, boolean initiatorSide, TransportEndpoint before,
            TransportEndpoint after, long previousPacket) {}

    private final int majorVersion;
    private final long initiatorSpi;
    private long responderSpi;
    private TransportEndpoint initiator;
    private TransportEndpoint responder;
    private final PeerPair peers;
    private long floatPacket = -1;
    private boolean sawPort500;
    private final List<IkeMessageSighting> messages = new ArrayList<>();
    /** Only the SAs the report lists keep their messages; the others keep what the findings need. */
    private final boolean keepsMessages;
    private IkeExchange firstAnsweredUnfragmented;
    private long messageCount;
    private long firstPacket;
    private long lastPacket;
    private long firstTime;
    private long lastTime;
    private final LinkedHashMap<Long, IkeExchange> exchanges = new LinkedHashMap<>(8, 0.75f, false);
    private final List<IkeExchange> retiredUnanswered = new ArrayList<>(0);
    private long exchangesAnswered;
    private long exchangesUnanswered;
    /** Per (content, point): the first packet that carried it and how many copies came. */
    private final LinkedHashMap<Long, long[]> copiesByFingerprint = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > MAX_FINGERPRINTS;
        }
    };
    private final Map<Integer, TransportEndpoint> lastSenderByPointAndRole = new HashMap<>(4);
    private final Map<Integer, Long> lastPacketByPointAndRole = new HashMap<>(4);
    private final Map<Integer, Boolean> lastFloatedByPointAndRole = new HashMap<>(4);
    private final List<MappingChange> mappingChanges = new ArrayList<>(0);
    private long mappingChangeCount;
    private final NatDetectionResult natDetection = new NatDetectionResult();
    private boolean initiatorFragmentationSupported;
    private boolean responderFragmentationSupported;
    private boolean ikeFragmentsUsed;
    private long ikeAuthAnsweredPacket = -1;
    private long messagesFromInitiatorSide;
    private long messagesFromResponderSide;
    private int maxCopies;
    private long decryptedMessages;
    private long undecryptedMessages;
    private String firstDecryptionFailure;
    private final List<ErrorNotify> errorNotifies = new ArrayList<>(0);

    IkeSaRecord(int majorVersion, long initiatorSpi, PeerPair peers, boolean keepsMessages) {
        this.majorVersion = majorVersion;
        this.initiatorSpi = initiatorSpi;
        this.peers = peers;
        this.keepsMessages = keepsMessages;
    }

    /** The live IKEv2 exchange a message belongs to, or null. */
    IkeExchange exchangeOf(IkeDatagram d) {
        long key = (Integer.toUnsignedLong(d.messageId()) << 1) | (d.startedByOriginalInitiator() ? 1 : 0);
        return exchanges.get(key);
    }

    /** What a {@link KeySource} made of one protected message of this SA. */
    void opened(IkeMessageSighting s, KeySource.OpenedIkeMessage opened) {
        if (opened == null) {
            return;
        }
        if (opened.failure() != null) {
            undecryptedMessages++;
            if (firstDecryptionFailure == null) {
                firstDecryptionFailure = "#" + s.packet() + ": " + opened.failure();
            }
            return;
        }
        decryptedMessages++;
        for (int type : opened.innerNotifies()) {
            if (type < org.ipsec4j.ike.message.NotifyType.FIRST_STATUS) {
                errorNotify(type, s);
                if (s.datagram().exchangeType() == 35 && s.datagram().response()) {
                    peers.childSaRefused(s.packet());
                }
            }
        }
    }

    private void errorNotify(int type, IkeMessageSighting s) {
        IkeExchange exchange = exchangeOf(s.datagram());
        for (int i = 0; i < errorNotifies.size(); i++) {
            ErrorNotify e = errorNotifies.get(i);
            if (e.type() == type && e.exchange() == exchange && exchange != null
                    && e.message().datagram().response() == s.datagram().response()) {
                if (e.packets().size() < Finding.MAX_PACKETS) {
                    List<Long> packets = new ArrayList<>(e.packets());
                    packets.add(s.packet());
                    errorNotifies.set(i, new ErrorNotify(type, e.message(), exchange, packets));
                }
                return;
            }
        }
        if (errorNotifies.size() < MAX_ERROR_NOTIFIES) {
            errorNotifies.add(new ErrorNotify(type, s, exchange, List.of(s.packet())));
        }
    }

    /** Adds a sighting; returns the exchange it belongs to (IKEv2), else null. */
    IkeExchange add(IkeMessageSighting s) {
        IkeDatagram d = s.datagram();
        messageCount++;
        if (messageCount == 1) {
            firstPacket = s.packet();
            firstTime = s.timeNanos();
        }
        lastPacket = s.packet();
        lastTime = s.timeNanos();
        if (responderSpi == 0 && d.responderSpi() != 0) {
            responderSpi = d.responderSpi();
        }
        if (messages.size() < (keepsMessages || majorVersion != 2 ? MAX_LISTED_MESSAGES : 0)) {
            messages.add(s);
        }
        long fingerprintKey = d.fingerprint() * 31 + s.point().index();
        long[] copies = copiesByFingerprint.get(fingerprintKey);
        if (copies == null) {
            copiesByFingerprint.put(fingerprintKey, new long[] {s.packet(), 1});
        } else {
            s.retransmissionOf(copies[0]);
            maxCopies = Math.max(maxCopies, (int) ++copies[1]);
        }
        maxCopies = Math.max(maxCopies, 1);
        boolean fromInitiator = roleOfSender(s);
        if (fromInitiator) {
            messagesFromInitiatorSide++;
        } else {
            messagesFromResponderSide++;
        }
        trackSender(s, fromInitiator);
        if (majorVersion != 2) {
            return null;
        }
        for (int type : d.notifies()) {
            if (type == org.ipsec4j.ike.message.NotifyType.IKEV2_FRAGMENTATION_SUPPORTED && d.exchangeType() == 34) {
                if (d.response()) {
                    responderFragmentationSupported = true;
                } else {
                    initiatorFragmentationSupported = true;
                }
            }
        }
        ikeFragmentsUsed |= d.fragmentTotal() > 0;
        long key = (Integer.toUnsignedLong(d.messageId()) << 1) | (d.startedByOriginalInitiator() ? 1 : 0);
        IkeExchange exchange = exchanges.get(key);
        if (exchange == null) {
            exchange = new IkeExchange(d.messageId(), d.startedByOriginalInitiator(), d.exchangeType());
            exchanges.put(key, exchange);
            if (exchanges.size() > MAX_LIVE_EXCHANGES) {
                retire(exchanges.entrySet().iterator());
            }
        }
        boolean wasAnswered = exchange.answered();
        exchange.add(s);
        if (!wasAnswered && exchange.answered()) {
            if (firstAnsweredUnfragmented == null && !exchange.requestIpFragmented() && !exchange.responseIpFragmented()
                    && !exchange.requests().isEmpty()) {
                firstAnsweredUnfragmented = exchange;
            }
            if (d.exchangeType() == 35 && ikeAuthAnsweredPacket < 0) {
                ikeAuthAnsweredPacket = s.packet();
                peers.ikeAuthAnswered(s.packet(), s.timeNanos());
            } else {
                peers.exchangeAnswered(s.packet());
            }
        }
        return exchange;
    }

    private void retire(Iterator<Map.Entry<Long, IkeExchange>> oldest) {
        IkeExchange retired = oldest.next().getValue();
        oldest.remove();
        if (retired.answered()) {
            exchangesAnswered++;
        } else {
            exchangesUnanswered++;
            if (retiredUnanswered.size() < MAX_KEPT_UNANSWERED && retired.requestTransmissions() > 1) {
                retiredUnanswered.add(retired);
            }
        }
    }

    /** IKEv2: the I flag says; IKEv1: the side that sent first is the initiator. */
    private boolean roleOfSender(IkeMessageSighting s) {
        IkeDatagram d = s.datagram();
        if (majorVersion == 2) {
            boolean fromInitiator = d.fromOriginalInitiator();
            if (fromInitiator && initiator == null) {
                initiator = s.source();
            }
            if (!fromInitiator && responder == null) {
                responder = s.source();
            }
            if (initiator == null && !fromInitiator) {
                initiator = s.destination();
            }
            if (responder == null && fromInitiator) {
                responder = s.destination();
            }
            return fromInitiator;
        }
        if (initiator == null) {
            initiator = s.source();
            responder = s.destination();
        }
        return s.source().address().equals(initiator.address());
    }

    /** The NAT-T float (RFC 3948, RFC 7296 §2.23) and any other change of a sender's address or port. */
    private void trackSender(IkeMessageSighting s, boolean fromInitiator) {
        int key = s.point().index() * 2 + (fromInitiator ? 1 : 0);
        TransportEndpoint before = lastSenderByPointAndRole.put(key, s.source());
        Long previousPacket = lastPacketByPointAndRole.put(key, s.packet());
        boolean floated = s.source().port() == 4500 || s.destination().port() == 4500 || s.nonEspMarker();
        Boolean floatedBefore = lastFloatedByPointAndRole.put(key, floated);
        if (floated && floatPacket < 0 && sawPort500) {
            floatPacket = s.packet();
        }
        sawPort500 |= !floated && (s.source().port() == 500 || s.destination().port() == 500);
        if (before == null || before.equals(s.source()) || majorVersion != 2
                || before.address().v6() != s.source().address().v6()) {
            return; // a change of address family is no NAT's doing (MOBIKE moves like that)
        }
        // The float to 4500 changes the port; behind a NAT the new flow gets a port of the NAT's choosing.
        boolean isFloat = before.address().equals(s.source().address()) && floated && Boolean.FALSE.equals(floatedBefore);
        if (isFloat) {
            return;
        }
        mappingChangeCount++;
        if (mappingChanges.size() < MAX_MAPPING_CHANGES) {
            mappingChanges.add(new MappingChange(s.packet(), s.point(), fromInitiator, before, s.source(),
                    previousPacket == null ? -1 : previousPacket));
        }
    }

    public int majorVersion() {
        return majorVersion;
    }

    public long initiatorSpi() {
        return initiatorSpi;
    }

    public long responderSpi() {
        return responderSpi;
    }

    /** The initiator's endpoint as first seen, or null before any message told. */
    public TransportEndpoint initiator() {
        return initiator;
    }

    public TransportEndpoint responder() {
        return responder;
    }

    public PeerPair peers() {
        return peers;
    }

    /** The first message on port 4500 after one on 500: the NAT-T float; -1 if none. */
    public long floatPacket() {
        return floatPacket;
    }

    /** The first {@value #MAX_LISTED_MESSAGES} messages in capture order. */
    public List<IkeMessageSighting> messages() {
        return Collections.unmodifiableList(messages);
    }

    public long messageCount() {
        return messageCount;
    }

    public long firstPacket() {
        return firstPacket;
    }

    public long lastPacket() {
        return lastPacket;
    }

    public long firstTime() {
        return firstTime;
    }

    public long lastTime() {
        return lastTime;
    }

    /** Live exchanges in order of first sight, then the retired unanswered ones kept for the findings. */
    public List<IkeExchange> exchanges() {
        List<IkeExchange> out = new ArrayList<>(retiredUnanswered);
        out.addAll(exchanges.values());
        return out;
    }

    public long exchangesAnswered() {
        long live = exchanges.values().stream().filter(IkeExchange::answered).count();
        return exchangesAnswered + live;
    }

    public long exchangesUnanswered() {
        long live = exchanges.values().stream().filter(e -> !e.answered()).count();
        return exchangesUnanswered + live;
    }

    /** The first exchange answered with neither message IP-fragmented (kept when it leaves the live table). */
    public IkeExchange firstAnsweredUnfragmented() {
        return firstAnsweredUnfragmented;
    }

    public List<MappingChange> mappingChanges() {
        return Collections.unmodifiableList(mappingChanges);
    }

    public long mappingChangeCount() {
        return mappingChangeCount;
    }

    public NatDetectionResult natDetection() {
        return natDetection;
    }

    public boolean initiatorFragmentationSupported() {
        return initiatorFragmentationSupported;
    }

    public boolean responderFragmentationSupported() {
        return responderFragmentationSupported;
    }

    /** Some message carried SKF payloads (RFC 7383). */
    public boolean ikeFragmentsUsed() {
        return ikeFragmentsUsed;
    }

    /** The IKE_AUTH response that answered the first IKE_AUTH request, or -1. */
    public long ikeAuthAnsweredPacket() {
        return ikeAuthAnsweredPacket;
    }

    public long messagesFromInitiatorSide() {
        return messagesFromInitiatorSide;
    }

    public long messagesFromResponderSide() {
        return messagesFromResponderSide;
    }

    /** Protected messages a {@link KeySource} opened (each copy and each joined message counted). */
    public long decryptedMessages() {
        return decryptedMessages;
    }

    /** Protected messages whose SA had keys that did not open them. */
    public long undecryptedMessages() {
        return undecryptedMessages;
    }

    /** The first message the keys did not open, and why; null if none. */
    public String firstDecryptionFailure() {
        return firstDecryptionFailure;
    }

    /** Error notifies in decrypted messages, in capture order. */
    public List<ErrorNotify> errorNotifies() {
        return Collections.unmodifiableList(errorNotifies);
    }

    /** The most copies of one datagram seen at one point: above 1, something was retransmitted. */
    public int maxCopies() {
        return maxCopies;
    }
}
