package org.ipsec4j.wire.frag;

/**
 * Receives fragments from {@link Fragmenter} one at a time. The buffer is the fragmenter's scratch and is
 * overwritten by the next fragment: send or copy the bytes before returning.
 */
@FunctionalInterface
public interface FragmentSink {
    /**
     * @param index 0 for the first fragment, in order of offset
     */
    void fragment(byte[] buffer, int offset, int length, int index);
}
