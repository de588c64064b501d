package org.ipsec4j.ike.crypto;

import java.util.Arrays;

/** Takes consecutive keys from the front of a prf+ output, in the order the RFC lists them. */
final class KeySplitter {

    private final byte[] keymat;
    private int position;

    KeySplitter(byte[] keymat) {
        this.keymat = keymat;
    }

    byte[] take(int length) {
        byte[] key = Arrays.copyOfRange(keymat, position, position + length);
        position += length;
        return key;
    }
}
