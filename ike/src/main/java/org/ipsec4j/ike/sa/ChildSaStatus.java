package org.ipsec4j.ike.sa;

import java.util.List;

/**
 * A snapshot of one Child SA pair: SPIs as hex strings are what `swanctl --list-sas` prints.
 *
 * @param espPathFailure null while ESP flows (or nothing says otherwise); else what is wrong with the ESP path
 *                       and its likely cause: ESP goes out, none comes back, and IKE is still answered
 */
public record ChildSaStatus(String name, String state, int reqid, int inboundSpi, int outboundSpi, String suite,
                            String mode, boolean udpEncapsulation, List<String> localSelectors,
                            List<String> remoteSelectors, long inboundBytes, long inboundPackets, long outboundBytes,
                            long outboundPackets, String espPathFailure) {
}
