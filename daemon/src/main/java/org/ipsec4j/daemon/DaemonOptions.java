package org.ipsec4j.daemon;

import java.nio.file.Path;
import java.util.Objects;

import org.ipsec4j.daemon.config.DefaultEncapsulation;
import org.ipsec4j.daemon.control.ControlProtocol;

/**
 * How {@code ipsec4j daemon} runs: keyed by hand from a setkey file, by IKEv2 from a swanctl.conf, or both.
 *
 * @param setkeyFile    the manual keys and policies, reloadable; null for none
 * @param swanctlFile   the IKE connections (a swanctl.conf subset), reloadable; null for none. At least one
 *                      of the two files is given.
 * @param tunName       the TUN interface to create
 * @param controlPath   the control socket
 * @param allowLegacy   accept 3DES and HMAC-MD5
 * @param encapsulation what plain {@code esp} SAs use
 * @param routingTable  the table for the tunnel routes
 * @param firewallMark  the mark on the daemon's own sockets (never 0: the rule matches unmarked packets)
 * @param rulePriority  where the {@code not fwmark ... lookup TABLE} rule goes (before main at 32766)
 * @param tunOffloads   let the kernel hand over 64 KB TCP segments through the TUN device (IFF_VNET_HDR)
 * @param stateDirectory where outbound SAs reserve their sequence numbers, so that a restart with the same
 *                       manual keys never repeats one (created mode 0700 if missing)
 * @param onExit         what happens to the tunnel's routes when the daemon stops: {@link OnExit#HOLD} leaves
 *                       prohibit routes and the rule, so protected traffic is refused until it runs again
 * @param builtInBypasses which built-in SPD bypasses are on (both by default)
 */
public record DaemonOptions(Path setkeyFile, Path swanctlFile, String tunName, Path controlPath,
        boolean allowLegacy, DefaultEncapsulation encapsulation, int routingTable, int firewallMark, int rulePriority,
        boolean tunOffloads, Path stateDirectory, OnExit onExit, java.util.Set<BuiltInBypass> builtInBypasses) {

    /** {@code --on-exit}. */
    public enum OnExit {
        /** Fail closed: prohibit routes and the rule stay until a daemon runs again (the default). */
        HOLD,
        /** Remove everything the daemon added; protected traffic then leaves by the main table. */
        RELEASE
    }

    /** {@code --bypass}: the SPD's built-in bypasses (seed 002). */
    public enum BuiltInBypass {
        /** The gateway's own IKE: UDP 500 and 4500 from its own addresses. */
        IKE,
        /** IPv6 neighbour and router discovery, ICMPv6 133-137. */
        ND
    }

    /** The options before fail-closed exits and bypass switches: hold on exit, both bypasses on. */
    public DaemonOptions(Path setkeyFile, Path swanctlFile, String tunName, Path controlPath, boolean allowLegacy,
            DefaultEncapsulation encapsulation, int routingTable, int firewallMark, int rulePriority,
            boolean tunOffloads, Path stateDirectory) {
        this(setkeyFile, swanctlFile, tunName, controlPath, allowLegacy, encapsulation, routingTable, firewallMark,
                rulePriority, tunOffloads, stateDirectory, OnExit.HOLD,
                java.util.EnumSet.allOf(BuiltInBypass.class));
    }

    public static final String DEFAULT_TUN = "ipsec4j0";
    /** 4500, after the NAT-T port, for the table, the mark and the rule alike; easy to spot in {@code ip rule}. */
    public static final int DEFAULT_TABLE = 4500;
    public static final int DEFAULT_MARK = 0x4500;
    public static final int DEFAULT_RULE_PRIORITY = 4500;
    public static final Path DEFAULT_STATE_DIRECTORY = Path.of("/var/lib/ipsec4j");

    public DaemonOptions {
        if (setkeyFile == null && swanctlFile == null) {
            throw new IllegalArgumentException("give a setkey file (--setkey), a swanctl.conf (--conf) or both");
        }
        Objects.requireNonNull(tunName, "tunName");
        Objects.requireNonNull(controlPath, "controlPath");
        Objects.requireNonNull(encapsulation, "encapsulation");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(onExit, "onExit");
        builtInBypasses = java.util.Set.copyOf(builtInBypasses);
        if (firewallMark == 0) {
            throw new IllegalArgumentException("the firewall mark must not be 0");
        }
        if (routingTable <= 0 || routingTable == 253 || routingTable == 254 || routingTable == 255) {
            throw new IllegalArgumentException("routing table " + routingTable
                    + " is reserved (253 default, 254 main, 255 local); choose another");
        }
    }

    public static DaemonOptions defaults(Path setkeyFile) {
        return new DaemonOptions(setkeyFile, null, DEFAULT_TUN, ControlProtocol.DEFAULT_PATH, false,
                DefaultEncapsulation.UDP, DEFAULT_TABLE, DEFAULT_MARK, DEFAULT_RULE_PRIORITY, true,
                DEFAULT_STATE_DIRECTORY);
    }
}
