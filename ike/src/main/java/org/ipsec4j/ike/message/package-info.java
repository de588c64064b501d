/**
 * The IKEv2 message model and codec (RFC 7296 §3; RFC 7383 for SKF): {@link org.ipsec4j.ike.message.IkeHeader},
 * one record per payload type, each parsing and encoding its own body, and
 * {@link org.ipsec4j.ike.message.MessageCodec}, which handles the generic payload header and the chain once.
 * Decoding untrusted bytes throws only {@link org.ipsec4j.ike.message.MalformedMessageException}, naming the
 * field, its offset and the Notify type to report. Records copy the byte arrays they are given and hand out
 * copies, and compare them by content.
 */
package org.ipsec4j.ike.message;
