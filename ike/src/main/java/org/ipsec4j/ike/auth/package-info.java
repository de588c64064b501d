/**
 * IKEv2 authentication (RFC 7296 §2.15, RFC 7427): the signed octets, pre-shared key and signature AUTH data,
 * identities as strongSwan writes them, certificate chain validation against trusted authorities, and the key
 * and certificate files. JDK crypto only; the negotiated prf comes in as a JDK Mac algorithm name.
 */
package org.ipsec4j.ike.auth;
