package org.ipsec4j.ike.sa;

import java.util.List;

/** A snapshot of one Child SA pair: SPIs as hex strings are what `swanctl --list-sas` prints. */
public record ChildSaStatus(String name, String state, int reqid, int inboundSpi, int outboundSpi, String suite,
                            String mode, boolean udpEncapsulation, List<String> localSelectors,
                            List<String> remoteSelectors, long inboundBytes, long inboundPackets, long outboundBytes,
                            long outboundPackets) {
}
