/**
 * The configuration model and a parser for the subset of strongSwan's swanctl.conf that ipsec4j implements:
 * IKEv2 connections with one psk or pubkey authentication round per side, Child SAs, virtual IP pools and IKE
 * pre-shared keys. {@link org.ipsec4j.ike.config.SwanctlParser} reads the file into a
 * {@link org.ipsec4j.ike.config.SwanctlConfig}; {@link org.ipsec4j.ike.config.ProposalParser} and
 * {@link org.ipsec4j.ike.config.TrafficSelectorSpec} also parse proposal and selector strings on their own.
 *
 * <p>What a swanctl.conf may contain (everything else is an error with file, line, column and key path,
 * never silently ignored; defaults are strongSwan's):
 * <pre>
 * connections {
 *     &lt;conn&gt; {
 *         version          0 or 2 (both mean IKEv2; 1 is refused)
 *         local_addrs      %any, addresses, CIDR subnets, ranges (no host names: no DNS lookups)
 *         remote_addrs     the same
 *         local_port       500            remote_port      500
 *         proposals        default        (see ProposalParser)
 *         vips             addresses (0.0.0.0, :: for any)
 *         pools            names of pools sections
 *         encap            no             mobike           yes (accepted; MOBIKE is never announced)
 *         fragmentation    yes, no, force (force = yes with IKEv2)
 *         dpd_delay        0s             dpd_timeout      0s
 *         rekey_time       4h             reauth_time      0 only
 *         over_time        10% of rekey_time               rand_time        over_time
 *         keyingtries      1              unique           no, never, keep, replace
 *         send_certreq     yes            send_cert        ifasked, always, never
 *         local[-suffix]  { auth (pubkey, psk), id, certs }             one round only
 *         remote[-suffix] { auth (pubkey, psk), id (%any), certs, cacerts }  one round only
 *         children {
 *             &lt;child&gt; {
 *                 local_ts, remote_ts   dynamic     (see TrafficSelectorSpec)
 *                 esp_proposals         default     mode           tunnel, transport
 *                 start_action          none, trap, start
 *                 close_action          none, trap, start
 *                 dpd_action            clear, trap, restart, none
 *                 rekey_time 1h         life_time rekey_time + 10%   rand_time life_time - rekey_time
 *                 replay_window         32
 *             }
 *         }
 *     }
 * }
 * pools   { &lt;name&gt; { addrs (one CIDR subnet or FROM-TO range), dns } }
 * secrets { ike[-suffix] { id[-suffix] = ..., secret = text, 0x hex or 0s base64 } }
 * </pre>
 * Syntax: strongswan.conf's, without {@code include}, section references and dotted keys; sections of one
 * name merge as in strongSwan, but a key given twice is an error. Times: {@code 30s}, {@code 10m},
 * {@code 4h}, {@code 1d} or seconds. Numbers: decimal or {@code 0x} hex.
 *
 * <p>Self-contained: algorithms are IANA transform ids (RFC 7296 §3.3.2), identities and certificate file names
 * stay strings for the auth package.
 */
package org.ipsec4j.ike.config;
