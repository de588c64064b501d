package org.ipsec4j.ike.auth;

/** The object identifiers this package reads and writes (RFC 8017, RFC 5480, RFC 5758, RFC 8410). */
final class Oids {

    private Oids() {}

    static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    static final String MGF1 = "1.2.840.113549.1.1.8";
    static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    static final String SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
    static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    static final String SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
    static final String SHA512_WITH_RSA = "1.2.840.113549.1.1.13";

    static final String SHA1 = "1.3.14.3.2.26";
    static final String SHA256 = "2.16.840.1.101.3.4.2.1";
    static final String SHA384 = "2.16.840.1.101.3.4.2.2";
    static final String SHA512 = "2.16.840.1.101.3.4.2.3";

    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    static final String ECDSA_WITH_SHA1 = "1.2.840.10045.4.1";
    static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    static final String ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
    static final String ECDSA_WITH_SHA512 = "1.2.840.10045.4.3.4";

    static final String SECP256R1 = "1.2.840.10045.3.1.7";
    static final String SECP384R1 = "1.3.132.0.34";
    static final String SECP521R1 = "1.3.132.0.35";

    static final String X25519 = "1.3.101.110";
    static final String X448 = "1.3.101.111";
    static final String ED25519 = "1.3.101.112";
    static final String ED448 = "1.3.101.113";

    static final String PKCS5_PBES2 = "1.2.840.113549.1.5.13";
}
