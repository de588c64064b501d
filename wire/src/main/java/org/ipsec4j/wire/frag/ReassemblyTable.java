package org.ipsec4j.wire.frag;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The address-family-independent part of fragment reassembly: datagrams in progress keyed by opaque key bytes,
 * fragment intervals, overlap and consistency checks, limits, timeouts and the held bytes.
 *
 * <p>The family layer ({@link Ipv4Reassembler}, {@link Ipv6Reassembler}) parses the packet, writes the datagram's
 * key into {@link #key()}, and {@linkplain #offer offers} the fragment's payload with its byte offset and
 * "last fragment" flag. When the offset-zero fragment arrives it also hands over the header bytes that head the
 * reassembled datagram, plus two family-defined integers ({@code aux}). On completion the table writes
 * {@code header || payload} into {@link #output()} and the family patches length and fragment fields.
 *
 * <p>Memory: fragment bytes are copied into an arena of fixed {@value #BLOCK_SIZE}-byte blocks, appended in
 * arrival order per datagram, so what a datagram holds is proportional to what it received (a tiny fragment at
 * offset 65000 costs one block, not 64 KiB). Pages of the arena, per-datagram state and the output buffer are
 * allocated on first need and then reused: in steady state reassembly allocates nothing. No size taken from a
 * packet is used to allocate before it has been checked against the configured bounds.
 *
 * <p>Not thread-safe; time comes in as {@code nowNanos} (same origin and monotonic, as from
 * {@link System#nanoTime()}).
 */
final class ReassemblyTable {

    /** Result of {@link #offer}. */
    enum Offer {
        /** The fragment is held; the datagram is not complete yet. */
        HELD,
        /** The datagram is complete and its bytes are in {@link #output()}. */
        COMPLETE,
        /** The fragment was discarded for {@link #lastDropReason()}. */
        DROPPED
    }

    private static final VarHandle KEY_WORD =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final int BLOCK_SIZE = 512;
    private static final int BLOCK_SHIFT = 9;
    private static final int BLOCK_MASK = BLOCK_SIZE - 1;
    private static final int PAGE_SHIFT = 6;
    private static final int BLOCKS_PER_PAGE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = BLOCKS_PER_PAGE - 1;

    private final int keyLength;
    private final int maxFragments;
    private final int maxDatagrams;
    private final int maxReassembledLength;
    private final long timeoutNanos;
    private final int blockCapacity;

    // Arena: block b lives in pages[b >>> PAGE_SHIFT] at ((b & PAGE_MASK) << BLOCK_SHIFT).
    private final byte[][] pages;
    private int[] freeBlocks = new int[0];
    private int freeBlockCount;
    private int blocksEverUsed;

    // Datagrams in progress: hash chains for lookup, one list in arrival order for timeouts and eviction.
    private final Pending[] buckets;
    private final int bucketMask;
    private final int hashSeed;
    private Pending oldest;
    private Pending newest;
    private int datagramCount;
    private Pending[] spare = new Pending[0];
    private int spareCount;

    private final byte[] key;
    private final long[] drops = new long[DropReason.values().length];
    private DropReason lastDropReason;

    private TimeoutListener timeoutListener;
    private byte[] quote;
    private int quoteLimit;

    private byte[] output;
    private int outputLength;
    private int outputHeaderLength;
    private int outputAux0;
    private int outputAux1;

    /**
     * @param keyLength bytes identifying one datagram (RFC 791: src, dst, protocol, id; RFC 8200: src, dst, id)
     * @param maxReassembledLength largest {@code header + payload} a reassembled datagram may have
     * @param hashSeed perturbs the lookup hash; pass a random value to make colliding keys harder to choose
     */
    ReassemblyTable(ReassemblyConfig config, int keyLength, int maxReassembledLength, int hashSeed) {
        if (keyLength < 1) {
            throw new IllegalArgumentException("keyLength must be positive: " + keyLength);
        }
        this.keyLength = keyLength;
        this.maxFragments = config.maxFragmentsPerDatagram();
        this.maxDatagrams = config.maxDatagrams();
        this.maxReassembledLength = maxReassembledLength;
        this.timeoutNanos = config.timeout().toNanos();
        this.blockCapacity = (int) (config.memoryCapBytes() >>> BLOCK_SHIFT);
        this.pages = new byte[(blockCapacity + BLOCKS_PER_PAGE - 1) >>> PAGE_SHIFT][];
        int bucketCount = Integer.highestOneBit(Math.max(16, maxDatagrams * 2 - 1)) << 1;
        this.buckets = new Pending[bucketCount];
        this.bucketMask = bucketCount - 1;
        this.hashSeed = hashSeed;
        this.key = new byte[keyLength];
    }

    /** Told about datagrams that time out after their offset-zero fragment arrived. */
    interface TimeoutListener {
        /**
         * @param quote the saved header ({@code headerLength} bytes) followed by the first {@code dataLength}
         *     bytes of the offset-zero fragment's data; the array has 8 spare bytes beyond them
         * @param key the datagram's key
         */
        void firstFragmentTimedOut(byte[] quote, int headerLength, int dataLength, int aux0, int aux1, byte[] key);
    }

    /**
     * Reports timeouts of datagrams whose offset-zero fragment had arrived (RFC 792, RFC 8200 §4.5: they get an
     * ICMP Time Exceeded), quoting at most {@code limit} bytes of header and data; null to stop.
     */
    void setTimeoutListener(TimeoutListener listener, int limit) {
        timeoutListener = listener;
        quoteLimit = limit;
        if (listener != null && (quote == null || quote.length < limit + 8)) {
            quote = new byte[limit + 8];
        }
    }

    /** Scratch the caller fills with the current fragment's datagram key before {@link #offer}. */
    byte[] key() {
        return key;
    }

    /**
     * Offers one fragment of the datagram whose key is in {@link #key()}.
     *
     * @param fragmentOffset byte offset of this fragment's data in the datagram's payload (a multiple of 8)
     * @param lastFragment true when the "more fragments" flag is clear
     * @param thisHeaderLength length of the header this packet would give the reassembled datagram; used to
     *     reject a fragment that could only yield an oversized datagram before anything is held for it
     * @param header bytes heading the reassembled datagram; read only when {@code fragmentOffset == 0}, from
     *     {@code headerOffset}, {@code thisHeaderLength} bytes long
     * @param aux0 family data saved with the header (IPv6: the first fragment's Next Header value)
     * @param aux1 family data saved with the header (IPv6: where in the header the Next Header field to patch is)
     */
    Offer offer(int fragmentOffset, boolean lastFragment, byte[] data, int dataOffset, int dataLength,
            byte[] header, int headerOffset, int thisHeaderLength, int aux0, int aux1, long nowNanos) {
        if (fragmentOffset < 0 || (fragmentOffset & 7) != 0 || dataLength < 0 || thisHeaderLength < 0) {
            throw new IllegalArgumentException("fragment offset " + fragmentOffset + ", length " + dataLength
                    + ", header " + thisHeaderLength);
        }
        expire(nowNanos);
        lastDropReason = null;
        // RFC 791 §3.2 / RFC 8200 §4.5: every fragment but the last carries a positive multiple of 8 bytes.
        if (!lastFragment && (dataLength == 0 || (dataLength & 7) != 0)) {
            return dropIncoming(DropReason.MALFORMED);
        }
        int end = fragmentOffset + dataLength;
        int hash = hashKey();
        Pending datagram = find(hash);
        if (datagram != null && datagram.discardedFor != null) {
            return dropIncoming(DropReason.DATAGRAM_DISCARDED);
        }
        int headerForSizeCheck = datagram != null && datagram.headerLength >= 0
                ? datagram.headerLength : thisHeaderLength;
        // RFC 8200 §4.5: a fragment that would make the reassembled datagram too long is discarded.
        if ((long) headerForSizeCheck + end > maxReassembledLength) {
            return dropIncoming(DropReason.TOO_BIG);
        }
        if (datagram == null) {
            datagram = create(hash, nowNanos);
        } else {
            Offer verdict = checkAgainstHeld(datagram, fragmentOffset, end, lastFragment, data, dataOffset,
                    thisHeaderLength);
            if (verdict != null) {
                return verdict;
            }
        }
        int bytesToStore = dataLength + (fragmentOffset == 0 ? thisHeaderLength : 0);
        if (!makeRoom(datagram, bytesToStore)) {
            discard(datagram, DropReason.MEMORY_CAP, false);
            return dropIncoming(DropReason.MEMORY_CAP);
        }
        if (fragmentOffset == 0) {
            datagram.headerStoredAt = datagram.storedBytes;
            datagram.headerLength = thisHeaderLength;
            datagram.aux0 = aux0;
            datagram.aux1 = aux1;
            append(datagram, header, headerOffset, thisHeaderLength);
        }
        datagram.insertFragment(fragmentOffset, end, datagram.storedBytes);
        append(datagram, data, dataOffset, dataLength);
        datagram.receivedBytes += dataLength;
        datagram.highestEnd = Math.max(datagram.highestEnd, end);
        if (lastFragment) {
            datagram.totalLength = end;
        }
        if (datagram.isComplete()) {
            assemble(datagram);
            remove(datagram);
            return Offer.COMPLETE;
        }
        return Offer.HELD;
    }

    /**
     * Checks a fragment against what {@code datagram} already holds; returns null to accept it, or the verdict
     * after dropping it (and perhaps the datagram).
     */
    private Offer checkAgainstHeld(Pending datagram, int start, int end, boolean lastFragment, byte[] data,
            int dataOffset, int thisHeaderLength) {
        int total = datagram.totalLength;
        boolean inconsistent = lastFragment
                ? (total >= 0 && total != end) || datagram.highestEnd > end
                : total >= 0 && end > total;
        if (inconsistent) {
            discard(datagram, DropReason.INCONSISTENT_LENGTH, true);
            return dropIncoming(DropReason.INCONSISTENT_LENGTH);
        }
        int index = datagram.lowerBound(start);
        int count = datagram.fragmentCount;
        if (index < count && datagram.starts[index] == start && datagram.ends[index] == end) {
            // RFC 8200 §4.5 allows dropping exact duplicates (the network does duplicate packets) while keeping
            // the datagram. "Exact" includes the bytes: a same-sized fragment with other content is an overlap.
            if (sameBytes(datagram, datagram.storedAt[index], data, dataOffset, end - start)) {
                return dropIncoming(DropReason.DUPLICATE);
            }
            discard(datagram, DropReason.OVERLAP, true);
            return dropIncoming(DropReason.OVERLAP);
        }
        // RFC 5722 / RFC 8200 §4.5: any overlap abandons the whole datagram, silently. We do the same for IPv4:
        // overlapping IPv4 fragments are how the RFC 1858 attacks rewrite headers past a filter.
        boolean overlapsPrevious = index > 0 && datagram.ends[index - 1] > start;
        boolean overlapsNext = index < count && datagram.starts[index] < end;
        if (overlapsPrevious || overlapsNext) {
            discard(datagram, DropReason.OVERLAP, true);
            return dropIncoming(DropReason.OVERLAP);
        }
        if (count >= maxFragments) {
            discard(datagram, DropReason.TOO_MANY_FRAGMENTS, true);
            return dropIncoming(DropReason.TOO_MANY_FRAGMENTS);
        }
        if (start == 0 && (long) thisHeaderLength + datagram.highestEnd > maxReassembledLength) {
            // Held fragments that fit a shorter guessed header do not fit the real one.
            discard(datagram, DropReason.TOO_BIG, true);
            return dropIncoming(DropReason.TOO_BIG);
        }
        return null;
    }

    /**
     * Removes every datagram whose timeout has passed at {@code nowNanos}; returns how many of them held
     * fragments (datagrams remembered only to discard late fragments after an overlap are not counted).
     */
    int expire(long nowNanos) {
        int expired = 0;
        while (oldest != null && nowNanos - oldest.firstArrivalNanos >= timeoutNanos) {
            Pending datagram = oldest;
            if (datagram.discardedFor == null) {
                drops[DropReason.TIMEOUT.ordinal()] += datagram.fragmentCount;
                expired++;
                if (timeoutListener != null && datagram.headerLength >= 0) {
                    reportTimeout(datagram);
                }
            }
            remove(datagram);
        }
        return expired;
    }

    /** Whether any datagram (or the memory of a discarded one) is waiting for its timeout. */
    boolean hasPending() {
        return oldest != null;
    }

    /** When {@link #expire} next has something to do; only meaningful if {@link #hasPending()}. */
    long nextExpiryNanos() {
        if (oldest == null) {
            throw new IllegalStateException("nothing pending");
        }
        return oldest.firstArrivalNanos + timeoutNanos;
    }

    /** Datagrams in progress, including the remembered discarded ones. */
    int datagramCount() {
        return datagramCount;
    }

    /** Bytes of the arena held by datagrams in progress (whole blocks). */
    long heldBytes() {
        return (long) (blocksEverUsed - freeBlockCount) << BLOCK_SHIFT;
    }

    long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Counts one packet dropped by the family layer before it reached the table (e.g. unparseable). */
    void countDrop(DropReason reason) {
        drops[reason.ordinal()]++;
        lastDropReason = reason;
    }

    /** Why the last offered fragment was dropped; null if it was not. */
    DropReason lastDropReason() {
        return lastDropReason;
    }

    void clearLastDropReason() {
        lastDropReason = null;
    }

    /** Buffer of the last completed datagram (header then payload), also free for the family's own use. */
    byte[] output() {
        if (output == null) {
            output = new byte[maxReassembledLength];
        }
        return output;
    }

    /** Records a datagram the family layer wrote into {@link #output()} itself (IPv6 atomic fragments). */
    void setOutput(int length, int headerLength) {
        outputLength = length;
        outputHeaderLength = headerLength;
    }

    int outputLength() {
        return outputLength;
    }

    int outputHeaderLength() {
        return outputHeaderLength;
    }

    int outputAux0() {
        return outputAux0;
    }

    int outputAux1() {
        return outputAux1;
    }

    // ---- lookup -----------------------------------------------------------------------------------------------

    /**
     * Mixes the key eight bytes at a time: one multiply per word. A multiply per byte made hashing the 36-byte
     * IPv6 key, a chain of 36 dependent multiplies, the largest single cost of accepting a fragment
     * (bench/README.md). Like the table's seed, this spreads keys over buckets; it is not a keyed MAC.
     */
    int hashKey() {
        long h = hashSeed;
        int i = 0;
        for (int last8 = keyLength - 8; i <= last8; i += 8) {
            h = mixWord(h, (long) KEY_WORD.get(key, i));
        }
        if (i < keyLength) {
            if (keyLength >= 8) {
                // The tail as one more word ending at the key's end, overlapping the previous one.
                h = mixWord(h, (long) KEY_WORD.get(key, keyLength - 8));
            } else {
                for (; i < keyLength; i++) {
                    h = mixWord(h, key[i] & 0xFF);
                }
            }
        }
        int x = (int) (h ^ (h >>> 32));
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        return x ^ (x >>> 13);
    }

    private static long mixWord(long h, long word) {
        // Multiply by an odd constant (2^64 / golden ratio), then rotate so the well-mixed high bits reach the
        // low bits the next word and the bucket index use.
        return Long.rotateLeft((h ^ word) * 0x9E37_79B9_7F4A_7C15L, 29);
    }

    private Pending find(int hash) {
        for (Pending p = buckets[hash & bucketMask]; p != null; p = p.nextInBucket) {
            if (p.hash == hash && Arrays.equals(p.key, key)) {
                return p;
            }
        }
        return null;
    }

    private Pending create(int hash, long nowNanos) {
        if (datagramCount >= maxDatagrams) {
            Pending victim = oldest;
            drops[DropReason.DATAGRAM_LIMIT.ordinal()] += victim.discardedFor == null ? victim.fragmentCount : 0;
            remove(victim);
        }
        Pending datagram = spareCount > 0 ? spare[--spareCount] : new Pending(keyLength);
        datagram.reset(hash, nowNanos);
        System.arraycopy(key, 0, datagram.key, 0, keyLength);
        int bucket = hash & bucketMask;
        datagram.nextInBucket = buckets[bucket];
        buckets[bucket] = datagram;
        datagram.older = newest;
        if (newest != null) {
            newest.newer = datagram;
        } else {
            oldest = datagram;
        }
        newest = datagram;
        datagramCount++;
        return datagram;
    }

    private void remove(Pending datagram) {
        releaseBlocks(datagram);
        int bucket = datagram.hash & bucketMask;
        if (buckets[bucket] == datagram) {
            buckets[bucket] = datagram.nextInBucket;
        } else {
            Pending p = buckets[bucket];
            while (p.nextInBucket != datagram) {
                p = p.nextInBucket;
            }
            p.nextInBucket = datagram.nextInBucket;
        }
        if (datagram.older != null) {
            datagram.older.newer = datagram.newer;
        } else {
            oldest = datagram.newer;
        }
        if (datagram.newer != null) {
            datagram.newer.older = datagram.older;
        } else {
            newest = datagram.older;
        }
        datagram.nextInBucket = datagram.older = datagram.newer = null;
        datagramCount--;
        if (spareCount == spare.length) {
            spare = Arrays.copyOf(spare, Math.max(8, spare.length * 2));
        }
        spare[spareCount++] = datagram;
    }

    /**
     * Drops everything {@code datagram} holds, counting its fragments under {@code reason}. A remembered
     * ({@code tombstone}) datagram stays in the table, holding no memory, until its timeout so that its later
     * fragments are discarded as well (RFC 5722: "including those not yet received").
     */
    private void discard(Pending datagram, DropReason reason, boolean tombstone) {
        drops[reason.ordinal()] += datagram.fragmentCount;
        if (tombstone) {
            releaseBlocks(datagram);
            datagram.clearFragments();
            datagram.discardedFor = reason;
        } else {
            remove(datagram);
        }
    }

    private Offer dropIncoming(DropReason reason) {
        drops[reason.ordinal()]++;
        lastDropReason = reason;
        return Offer.DROPPED;
    }

    // ---- arena ------------------------------------------------------------------------------------------------

    /** Evicts the oldest other datagrams until {@code bytes} more fit into {@code datagram}; false if they cannot. */
    private boolean makeRoom(Pending datagram, int bytes) {
        int needed = blocksNeeded(datagram, bytes);
        Pending candidate = oldest;
        while (blockCapacity - (blocksEverUsed - freeBlockCount) < needed) {
            while (candidate != null && (candidate == datagram || candidate.blockCount == 0)) {
                candidate = candidate.newer;
            }
            if (candidate == null) {
                return false;
            }
            Pending victim = candidate;
            candidate = candidate.newer;
            discard(victim, DropReason.MEMORY_CAP, false);
        }
        return true;
    }

    private static int blocksNeeded(Pending datagram, int bytes) {
        long stored = (long) datagram.storedBytes + bytes;
        return (int) ((stored + BLOCK_MASK) >>> BLOCK_SHIFT) - datagram.blockCount;
    }

    private void append(Pending datagram, byte[] src, int srcOffset, int length) {
        while (length > 0) {
            int within = datagram.storedBytes & BLOCK_MASK;
            if (within == 0 && datagram.storedBytes == datagram.blockCount << BLOCK_SHIFT) {
                datagram.addBlock(allocateBlock());
            }
            int block = datagram.blocks[datagram.storedBytes >>> BLOCK_SHIFT];
            int n = Math.min(length, BLOCK_SIZE - within);
            System.arraycopy(src, srcOffset, pages[block >>> PAGE_SHIFT], ((block & PAGE_MASK) << BLOCK_SHIFT) + within, n);
            datagram.storedBytes += n;
            srcOffset += n;
            length -= n;
        }
    }

    private void read(Pending datagram, int storedAt, byte[] dst, int dstOffset, int length) {
        while (length > 0) {
            int within = storedAt & BLOCK_MASK;
            int block = datagram.blocks[storedAt >>> BLOCK_SHIFT];
            int n = Math.min(length, BLOCK_SIZE - within);
            System.arraycopy(pages[block >>> PAGE_SHIFT], ((block & PAGE_MASK) << BLOCK_SHIFT) + within, dst, dstOffset, n);
            storedAt += n;
            dstOffset += n;
            length -= n;
        }
    }

    private boolean sameBytes(Pending datagram, int storedAt, byte[] data, int dataOffset, int length) {
        while (length > 0) {
            int within = storedAt & BLOCK_MASK;
            int block = datagram.blocks[storedAt >>> BLOCK_SHIFT];
            int n = Math.min(length, BLOCK_SIZE - within);
            int from = ((block & PAGE_MASK) << BLOCK_SHIFT) + within;
            if (!Arrays.equals(pages[block >>> PAGE_SHIFT], from, from + n, data, dataOffset, dataOffset + n)) {
                return false;
            }
            storedAt += n;
            dataOffset += n;
            length -= n;
        }
        return true;
    }

    private int allocateBlock() {
        if (freeBlockCount > 0) {
            return freeBlocks[--freeBlockCount];
        }
        int block = blocksEverUsed++;
        int page = block >>> PAGE_SHIFT;
        if (pages[page] == null) {
            int blocksInPage = Math.min(BLOCKS_PER_PAGE, blockCapacity - (page << PAGE_SHIFT));
            pages[page] = new byte[blocksInPage << BLOCK_SHIFT];
        }
        if (freeBlocks.length < blocksEverUsed) {
            // The free list must be able to take back every block ever handed out.
            freeBlocks = Arrays.copyOf(freeBlocks, Math.min(blockCapacity, Math.max(64, freeBlocks.length * 2)));
        }
        return block;
    }

    private void releaseBlocks(Pending datagram) {
        for (int i = 0; i < datagram.blockCount; i++) {
            freeBlocks[freeBlockCount++] = datagram.blocks[i];
        }
        datagram.blockCount = 0;
        datagram.storedBytes = 0;
    }

    private void reportTimeout(Pending datagram) {
        // The offset-zero fragment is held, so it is the first interval.
        int headerLength = Math.min(datagram.headerLength, quoteLimit);
        int dataLength = Math.min(datagram.ends[0], quoteLimit - headerLength);
        read(datagram, datagram.headerStoredAt, quote, 0, headerLength);
        read(datagram, datagram.storedAt[0], quote, headerLength, dataLength);
        timeoutListener.firstFragmentTimedOut(quote, headerLength, dataLength, datagram.aux0, datagram.aux1,
                datagram.key);
    }

    private void assemble(Pending datagram) {
        byte[] out = output();
        int headerLength = datagram.headerLength;
        read(datagram, datagram.headerStoredAt, out, 0, headerLength);
        for (int i = 0; i < datagram.fragmentCount; i++) {
            int start = datagram.starts[i];
            read(datagram, datagram.storedAt[i], out, headerLength + start, datagram.ends[i] - start);
        }
        outputHeaderLength = headerLength;
        outputLength = headerLength + datagram.totalLength;
        outputAux0 = datagram.aux0;
        outputAux1 = datagram.aux1;
    }

    /** One datagram in progress. Instances are pooled and reused. */
    private static final class Pending {
        final byte[] key;
        int hash;
        Pending nextInBucket;
        Pending older;
        Pending newer;
        long firstArrivalNanos;
        /** Non-null once discarded: remembered only to discard its later fragments. */
        DropReason discardedFor;

        // Fragment intervals [starts[i], ends[i]) of the payload, sorted by start, never overlapping.
        int fragmentCount;
        int[] starts = new int[4];
        int[] ends = new int[4];
        int[] storedAt = new int[4];
        int receivedBytes;
        int highestEnd;
        /** Payload length, known once the last fragment arrived; -1 before. */
        int totalLength;

        /** Header from the offset-zero fragment; -1 until it arrived. */
        int headerLength;
        int headerStoredAt;
        int aux0;
        int aux1;

        int[] blocks = new int[4];
        int blockCount;
        int storedBytes;

        Pending(int keyLength) {
            this.key = new byte[keyLength];
        }

        void reset(int newHash, long nowNanos) {
            hash = newHash;
            firstArrivalNanos = nowNanos;
            discardedFor = null;
            clearFragments();
        }

        void clearFragments() {
            fragmentCount = 0;
            receivedBytes = 0;
            highestEnd = 0;
            totalLength = -1;
            headerLength = -1;
        }

        boolean isComplete() {
            // Intervals never overlap, so covering totalLength bytes means covering [0, totalLength).
            return totalLength >= 0 && headerLength >= 0 && receivedBytes == totalLength;
        }

        /** Index of the first fragment starting at or after {@code start}. */
        int lowerBound(int start) {
            int low = 0;
            int high = fragmentCount;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (starts[mid] < start) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        void insertFragment(int start, int end, int at) {
            if (fragmentCount == starts.length) {
                int grown = fragmentCount * 2;
                starts = Arrays.copyOf(starts, grown);
                ends = Arrays.copyOf(ends, grown);
                storedAt = Arrays.copyOf(storedAt, grown);
            }
            int index = lowerBound(start);
            int tail = fragmentCount - index;
            System.arraycopy(starts, index, starts, index + 1, tail);
            System.arraycopy(ends, index, ends, index + 1, tail);
            System.arraycopy(storedAt, index, storedAt, index + 1, tail);
            starts[index] = start;
            ends[index] = end;
            storedAt[index] = at;
            fragmentCount++;
        }

        void addBlock(int block) {
            if (blockCount == blocks.length) {
                blocks = Arrays.copyOf(blocks, blockCount * 2);
            }
            blocks[blockCount++] = block;
        }
    }
}
