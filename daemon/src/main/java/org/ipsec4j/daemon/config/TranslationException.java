package org.ipsec4j.daemon.config;

/** A setkey statement that is valid syntax but cannot become an SA or a policy here; the message says why. */
final class TranslationException extends Exception {

    TranslationException(String message) {
        super(message, null, false, false);
    }
}
