package org.ipsec4j.linux;

import java.lang.foreign.MemorySegment;

/**
 * Remembers the last heap segment made for a {@code byte[]} and offset, so a loop that reuses one packet buffer
 * hands the same {@link MemorySegment} to every critical native call instead of allocating a view per packet.
 * One per direction of a device or socket; a data race only costs a new segment (entries are immutable).
 */
final class HeapSlices {

    private record Entry(byte[] array, int offset, MemorySegment segment) {
    }

    private Entry last;

    /** {@code array} from {@code offset} to its end, as a heap segment. */
    MemorySegment from(byte[] array, int offset) {
        Entry entry = last;
        if (entry != null && entry.array == array && entry.offset == offset) {
            return entry.segment;
        }
        MemorySegment segment = MemorySegment.ofArray(array).asSlice(offset);
        last = new Entry(array, offset, segment);
        return segment;
    }
}
