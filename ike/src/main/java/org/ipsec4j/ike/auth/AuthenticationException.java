package org.ipsec4j.ike.auth;

/**
 * The peer did not prove who it claims to be: a bad AUTH payload, a signature that does not verify, a
 * certificate chain that does not lead to a trusted authority. The message says which, for the log; the
 * IKE exchange answers with AUTHENTICATION_FAILED either way (RFC 7296 §2.21.2).
 */
public class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
