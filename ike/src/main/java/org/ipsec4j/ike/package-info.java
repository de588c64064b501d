/**
 * IKEv2 (RFC 7296), sans-IO: message model and codec ({@code message}), crypto suites and key derivation
 * ({@code crypto}), authentication ({@code auth}), configuration ({@code config}) and the IKE SA / Child SA
 * state machines ({@code sa}), which take datagrams and a time in and hand back datagrams to send, data-plane
 * changes and the next deadline. Talks to the ESP data plane only through {@code sa.IpsecKernel}.
 */
package org.ipsec4j.ike;
