/**
 * The Security Policy Database (RFC 4301 §4.4.1): ordered {@link org.ipsec4j.esp.spd.SecurityPolicy policies}
 * per {@link org.ipsec4j.esp.spd.Direction direction} with a sealed {@link org.ipsec4j.esp.spd.PolicyAction}
 * (PROTECT with an {@link org.ipsec4j.esp.spd.IpsecTemplate}, BYPASS, DISCARD), looked up first-match through
 * an index instead of a scan (see {@link org.ipsec4j.esp.spd.SecurityPolicyDatabase}).
 */
package org.ipsec4j.esp.spd;
