package org.ipsec4j.daemon.config.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Refused input: every case names the exact line:column the error must point at and a piece of the message.
 * In the texts, K16/K20/K32 stand for hex keys of that many bytes.
 */
class SetkeyParserErrorTest {

    private static final String K16 = "0x" + "a1".repeat(16);
    private static final String K20 = "0x" + "a1".repeat(20);
    private static final String K32 = "0x" + "a1".repeat(32);
    private static final String ESP = "add 192.0.2.1 192.0.2.2 esp 300 ";
    private static final String GCM = " -E aes-gcm-16 " + K20 + ";";

    private static final List<Arguments> CASES = new ArrayList<>();

    private static void bad(String text, String position, String message) {
        String expanded = text.replace("K16", K16).replace("K20", K20).replace("K32", K32);
        CASES.add(Arguments.of(expanded, position, message));
    }

    static Stream<Arguments> cases() {
        CASES.clear();
        // statements and semicolons
        bad("flush\nspdflush;", "2:1", "expected ';' or a protocol (esp, ah or esp-udp) after 'flush', found 'spdflush'");
        bad("spdflush", "1:9", "expected ';' after 'spdflush', found the end of the file");
        bad("spdflush spdflush;", "1:10", "expected ';' after 'spdflush', found 'spdflush'");
        bad(ESP + "-E aes-cbc K16 -A hmac-sha1 K20\nadd 192.0.2.1 192.0.2.2 esp 301" + GCM, "2:1",
                "expected ';' after the key, found 'add'");
        bad(ESP + "-A hmac-sha1 K20 -E aes-cbc K16;", "1:89",
                "expected ';' after the key, found '-E' (-E comes before -A)");
        bad(ESP + "-E aes-cbc K16 -m tunnel;", "1:79",
                "expected ';' after the key, found '-m' (options come before -E and -A)");
        bad(ESP + "-E null -A hmac-sha1 K20 -A hmac-sha1 K20;", "1:97", "expected ';' after the key, found '-A'");
        bad(ESP + "-E aes-cbc K16 -A null -r 4;", "1:87", "expected ';' after 'null', found '-r'");
        bad(ESP + "-E aes-cbc K16 -E aes-cbc K16;", "1:79", "expected ';' after the key, found '-E' (-E is given twice)");
        bad(ESP + "-E null -A hmac-sha1 K20 -A null;", "1:97", "found '-A' (-A is given twice)");
        bad(ESP + "-E AES-CBC K16;", "1:36", "algorithm names are lower case: write 'aes-cbc'");
        bad(ESP + "-E null -A HMAC-SHA1 K20;", "1:44", "algorithm names are lower case: write 'hmac-sha1'");
        bad(";", "1:1", "expected a statement (add, delete, deleteall, flush, spdadd, spdupdate, spddelete or spdflush), found ';'");
        bad("flush;;", "1:7", "expected a statement");
        bad("ad 192.0.2.1;", "1:1", "unknown statement 'ad': expected add, delete");
        bad("FLUSH;", "1:1", "unknown statement 'FLUSH'");
        bad("get 192.0.2.1 192.0.2.2 esp 300;", "1:1", "'get' shows an SA; it is a query, not configuration");
        bad("getspi 192.0.2.1 192.0.2.2 esp 300;", "1:1", "manual keying uses 'add'");
        bad("update 192.0.2.1 192.0.2.2 esp 300" + GCM, "1:1", "use delete and add");
        bad("flush;\n  dump esp;", "2:3", "'dump' shows the SAD; it is a query, not configuration");
        bad("spddump;", "1:1", "'spddump' shows the SPD");
        bad("exit;", "1:1", "'exit' is for interactive setkey");
        bad("spdadd tagged \"x\" -P out none;", "1:8", "spdadd tagged (policies on packet-filter tags) is not supported");

        // add: options
        bad(ESP + "-x 3" + GCM, "1:33", "unknown option '-x' for add: expected -m, -r, -u, -f, -lh, -ls, -bh, -bs, -E or -A");
        bad(ESP + "-m tunnel -m transport" + GCM, "1:43", "option -m is given twice");
        bad(ESP + "-m both" + GCM, "1:36", "expected a mode after -m (transport, tunnel or any), found 'both'");
        bad(ESP + "-r" + GCM, "1:36", "expected the replay window size after -r (a decimal number), found '-E'");
        bad(ESP + "-r 4294967296" + GCM, "1:36", "replay window size 4294967296 is larger than 4294967295");
        bad(ESP + "-r -5" + GCM, "1:36", "expected the replay window size after -r (a decimal number), found '-5'");
        bad(ESP + "-u 0x10" + GCM, "1:36", "expected the request id after -u (a decimal number), found '0x10'");
        bad(ESP + "-f sequential" + GCM, "1:36", "expected zero-pad, random-pad, seq-pad or nocyclic-seq after -f, found 'sequential'");
        bad(ESP + "-f zero-pad -f seq-pad" + GCM, "1:45", "option -f is given twice for the padding");
        bad(ESP + "-f nocyclic-seq -f zero-pad -f nocyclic-seq" + GCM, "1:61", "-f nocyclic-seq is given twice");
        bad(ESP + "-lh 60 -ls 61" + GCM, "1:40", "soft lifetime 61 s is longer than hard lifetime 60 s");
        bad(ESP + "-bs 1000 -bh 999" + GCM, "1:33", "soft lifetime 1000 bytes is more than hard lifetime 999 bytes");
        bad(ESP + "-lh 99999999999999999999" + GCM, "1:37", "hard lifetime in seconds 99999999999999999999 is larger than");
        bad(ESP + "-ctx 1 1 \"label\"" + GCM, "1:33", "security context labels (-ctx) are not supported");
        bad(ESP + "-4" + GCM, "1:33", "address flags such as -4 go right after the statement keyword");
        bad(ESP + "-P out" + GCM, "1:33", "-P belongs to spdadd");

        // add: algorithms
        bad(ESP + ";", "1:33", "expected the algorithms (-E ALGORITHM KEY and/or -A ALGORITHM KEY), found ';'");
        bad(ESP + "-E blowfish-cbc K16;", "1:36", "blowfish-cbc is known to setkey but not supported by ipsec4j: use one of des-cbc, 3des-cbc, null, aes-cbc, aes-gcm-16, chacha20-poly1305");
        bad(ESP + "-E aes-ctr K20;", "1:36", "aes-ctr is not supported by ipsec4j");
        bad(ESP + "-E aes-gcm K20;", "1:36", "unknown encryption algorithm 'aes-gcm': setkey calls it 'aes-gcm-16'");
        bad(ESP + "-E rfc4106(gcm(aes)) K20;", "1:36", "unknown encryption algorithm 'rfc4106(gcm(aes))': setkey calls it 'aes-gcm-16'");
        bad(ESP + "-E rfc7539esp(chacha20,poly1305) K20;", "1:36", "setkey calls it 'chacha20-poly1305'");
        bad(ESP + "-E aes-gcm-12 K20;", "1:36", "aes-gcm-12 (a short ICV) is not supported: use aes-gcm-16");
        bad(ESP + "-E hmac-sha1 K20;", "1:36", "'hmac-sha1' is an authentication algorithm: it belongs after -A");
        bad(ESP + "-E rot13 K20;", "1:36", "unknown encryption algorithm 'rot13': expected one of des-cbc, 3des-cbc, null, aes-cbc, aes-gcm-16, chacha20-poly1305");
        bad(ESP + "-E;", "1:35", "expected an encryption algorithm after -E, found ';'");
        bad(ESP + "-E aes-cbc K16 -A sha256 K32;", "1:82", "unknown authentication algorithm 'sha256': setkey calls it 'hmac-sha256'");
        bad(ESP + "-E aes-cbc K16 -A hmac-ripemd160 K20;", "1:82", "hmac-ripemd160 is known to setkey but not supported");
        bad(ESP + "-E aes-cbc K16 -A aes-cbc K16;", "1:82", "'aes-cbc' is an encryption algorithm: it belongs after -E");
        bad(ESP + "-E aes-cbc K16 -A hmac-sha3 K32;", "1:82", "unknown authentication algorithm 'hmac-sha3': expected one of hmac-md5, hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512, null");
        bad(ESP + "-C deflate;", "1:33", "IPComp (-C) is not supported by ipsec4j");
        bad(ESP + "-E aes-cbc K16 -C deflate;", "1:79", "IPComp (-C) is not supported by ipsec4j");

        // add: keys
        bad(ESP + "-E aes-cbc 0x0011;", "1:44", "aes-cbc takes a key of 16, 24 or 32 bytes, found 2 bytes");
        bad(ESP + "-E aes-gcm-16 K16;", "1:47", "aes-gcm-16 takes a key of 20, 28 or 36 bytes (the cipher key and a 4-byte salt), found 16 bytes");
        bad(ESP + "-E chacha20-poly1305 K32;", "1:54", "chacha20-poly1305 takes a key of 36 bytes (the cipher key and a 4-byte salt), found 32 bytes");
        bad(ESP + "-E 3des-cbc \"too short\" -A hmac-sha1 K20;", "1:45", "3des-cbc takes a key of 24 bytes, found 9 bytes");
        bad(ESP + "-E aes-cbc K16 -A hmac-sha256 K20;", "1:94", "hmac-sha256 takes a key of 32 bytes, found 20 bytes");
        bad("add 192.0.2.1 192.0.2.2 ah 300 -A hmac-md5 \"15 characters..\";", "1:44", "hmac-md5 takes a key of 16 bytes, found 15 bytes");
        bad(ESP + "-E aes-cbc 0x0011223344556677889900112233445z;", "1:77", "the key has a character that is not a hex digit");
        bad(ESP + "-E aes-cbc 0x00112233445566778899001122334455f;", "1:44", "the key has an odd number of hex digits (33); write whole bytes");
        bad(ESP + "-E aes-cbc 0x;", "1:44", "expected hex digits after 0x in the key");
        bad(ESP + "-E aes-cbc -A hmac-sha1 K20;", "1:44", "expected a key after 'aes-cbc' (0x and hex digits, or \"quoted text\"), found '-A'");
        bad(ESP + "-E aes-cbc 00112233445566778899001122334455;", "1:44", "found a word (not shown: it may be a key)");
        bad(ESP + "-E aes-cbc;", "1:43", "expected a key after 'aes-cbc'");
        bad(ESP + "-E aes-cbc \"0123456789abcdef;\nflush;", "1:44", "unterminated quoted string: no closing '\"' on this line");
        bad(ESP + "-E aes-cbc \"0123456789abcdef", "1:44", "unterminated quoted string");
        bad(ESP + "-E null 0x00 -A hmac-sha1 K20;", "1:41", "-E null takes no key");
        bad(ESP + "-E aes-cbc K16 -A null \"x\";", "1:87", "-A null takes no key");

        // add: algorithm combinations
        bad(ESP + "-E aes-gcm-16 K20 -A hmac-sha256 K32;", "1:90", "aes-gcm-16 authenticates by itself: drop the -A option");
        bad(ESP + "-E chacha20-poly1305 0x" + "00".repeat(36) + " -A null;", "1:129", "chacha20-poly1305 authenticates by itself");
        bad("add 192.0.2.1 192.0.2.2 ah 300 -E aes-cbc K16 -A hmac-sha1 K20;", "1:32", "ah does not encrypt: -E is for esp");
        bad("add 192.0.2.1 192.0.2.2 ah 300 -A null;", "1:32", "ah with -A null protects nothing");
        bad(ESP + "-A hmac-sha1 K20;", "1:33", "esp needs an encryption algorithm first: -E ALGORITHM KEY (-E null for integrity only)");
        bad(ESP + "-E null;", "1:33", "-E null needs a real authentication algorithm beside it");
        bad(ESP + "-E null -A null;", "1:41", "-E null needs a real authentication algorithm beside it");

        // add: protocol and SPI
        bad("add 192.0.2.1 192.0.2.2 ipcomp 300 -C deflate;", "1:25", "IPComp is not supported by ipsec4j");
        bad("add 192.0.2.1 192.0.2.2 esp-old 300" + GCM, "1:25", "esp-old (the pre-RFC 2406 formats) is not supported");
        bad("add 192.0.2.1 192.0.2.2 tcp 0x1000 -A tcp-md5 \"x\";", "1:25", "TCP-MD5 signatures (tcp) are not IPsec");
        bad("add 192.0.2.1 192.0.2.2 300" + GCM, "1:25", "expected the protocol (esp, ah or esp-udp), found '300'");
        bad("add 192.0.2.1 192.0.2.2 esp 255" + GCM, "1:29", "SPI 255 is reserved (0 to 255); use 256 or more");
        bad("add 192.0.2.1 192.0.2.2 esp 0" + GCM, "1:29", "SPI 0 is reserved");
        bad("add 192.0.2.1 192.0.2.2 esp 0x100000000" + GCM, "1:29", "the SPI does not fit in 32 bits");
        bad("add 192.0.2.1 192.0.2.2 esp 4294967296" + GCM, "1:29", "SPI 4294967296 is larger than 4294967295");
        bad("add 192.0.2.1 192.0.2.2 esp 0x12g4" + GCM, "1:33", "unexpected 'g' in the hex SPI");
        bad("add 192.0.2.1 192.0.2.2 esp 12ab" + GCM, "1:29", "expected the SPI (a decimal number or 0x and hex), found '12ab'");
        bad("add 192.0.2.1 192.0.2.2 esp" + GCM, "1:29", "expected the SPI (a decimal number or 0x and hex), found '-E'");

        // addresses
        bad("add 192.0.2.300 192.0.2.2 esp 300" + GCM, "1:13", "IPv4 address part 300 is larger than 255");
        bad("add 192.0.2.1 192.0.2.1000 esp 300" + GCM, "1:23", "IPv4 address part '1000' is larger than 255");
        bad("add 192.0.2 192.0.2.2 esp 300" + GCM, "1:5", "IPv4 address '192.0.2' has 3 parts; it needs 4");
        bad("add 192.0.2.1.5 192.0.2.2 esp 300" + GCM, "1:14", "unexpected '.' after the fourth part of the IPv4 address");
        bad("add 192.0.2. 192.0.2.2 esp 300" + GCM, "1:13", "IPv4 address ends early: expected a number after '.'");
        bad("add 192..2.1 192.0.2.2 esp 300" + GCM, "1:9", "expected a number in the IPv4 address, found '.'");
        bad("add 010.0.0.1 192.0.2.2 esp 300" + GCM, "1:5", "leading zero in IPv4 address part '010'");
        bad("add 192.0.2.1 192.0.2.0000 esp 300" + GCM, "1:23", "leading zero in IPv4 address part '0000'");
        bad("add 2001:db8:::1 2001:db8::2 esp 300" + GCM, "1:15", "expected a hex group in the IPv6 address, found ':'");
        bad("add 2001:db8::1::2 2001:db8::2 esp 300" + GCM, "1:16", "'::' may appear only once in an IPv6 address");
        bad("add 12345::1 2001:db8::2 esp 300" + GCM, "1:5", "IPv6 group longer than 4 hex digits");
        bad("add 1:2:3:4:5:6:7:8:9 ::1 esp 300" + GCM, "1:21", "IPv6 address has more than 8 groups");
        bad("add 1:2:3 ::1 esp 300" + GCM, "1:5", "IPv6 address has 3 groups; it needs 8, or '::' for zeros");
        bad("add 1:2:3:4::5:6:7:8 ::1 esp 300" + GCM, "1:5", "IPv6 address has 8 groups and a '::' too");
        bad("add :1::2 ::1 esp 300" + GCM, "1:5", "an IPv6 address cannot start with a single ':'");
        bad("add 1::2: ::1 esp 300" + GCM, "1:9", "an IPv6 address cannot end with a single ':'");
        bad("add 2001:db8::g ::1 esp 300" + GCM, "1:15", "expected a hex group in the IPv6 address, found 'g'");
        bad("add fe80::1%eth0 fe80::2 esp 300" + GCM, "1:12", "zone index ('%...') is not supported");
        bad("add ::ffff:192.0.2.1 ::1 esp 300" + GCM, "1:5", "IPv4-mapped IPv6 address: write the IPv4 address 192.0.2.1");
        bad("add 1.2.3.4::1 ::1 esp 300" + GCM, "1:5", "an IPv4 part may only end an IPv6 address");
        bad("add myhost.example.com 192.0.2.2 esp 300" + GCM, "1:5", "'myhost.example.com' is a host name; ipsec4j does not resolve names in configuration files: write a numeric IPv4 or IPv6 address");
        bad("add -6 myhost.example.com yourhost.example.com ah 123456 -A hmac-sha1 \"AH SA configuration!\";", "1:8", "'myhost.example.com' is a host name");
        bad("add localhost 192.0.2.2 esp 300" + GCM, "1:5", "'localhost' is a host name");
        bad("add 192.0.2.1 192.0.2.2/32 esp 300" + GCM, "1:24", "an SA address takes no prefix length");
        bad("add 192.0.2.1 2001:db8::1 esp 300" + GCM, "1:15", "the destination 2001:db8::1 is IPv6 but the source 192.0.2.1 is IPv4");
        bad("add -4 2001:db8::1 2001:db8::2 esp 300" + GCM, "1:8", "2001:db8::1 is an IPv6 address but -4 was given");
        bad("add -6 192.0.2.1 192.0.2.2 esp 300" + GCM, "1:8", "192.0.2.1 is an IPv4 address but -6 was given");
        bad("add -46 192.0.2.1 192.0.2.2 esp 300" + GCM, "1:5", "-4 and -6 contradict each other");
        bad("add 192.0.2.1 192.0.2.2\u00a0esp 300" + GCM, "1:24", "unexpected U+00A0 in an address");
        bad("add 192.0.2.1 192.0.2.2 ah", "1:27", "expected the SPI (a decimal number or 0x and hex), found the end of the file");
        bad("add 192.0.2.1;", "1:14", "expected the destination address, found ';'");

        // ports
        bad("add 192.0.2.1[4500] 192.0.2.2 esp 300" + GCM, "1:14", "a port on an SA address is only used with esp-udp (ESP in UDP, RFC 3948)");
        bad("add 192.0.2.1 192.0.2.2[70000] esp-udp 300" + GCM, "1:25", "port 70000 is larger than 65535");
        bad("add 192.0.2.1 192.0.2.2[4500 esp-udp 300" + GCM, "1:24", "'[' without a closing ']'");
        bad("add 192.0.2.1 192.0.2.2[4500]x esp-udp 300" + GCM, "1:30", "unexpected 'x' after the port");
        bad("add 192.0.2.1 192.0.2.2 [4500] esp-udp 300" + GCM, "1:25", "a port must follow its address without a space");
        bad("spdadd 192.0.2.1[http] 192.0.2.2 tcp -P out none;", "1:18", "expected a port number (0-65535) or 'any' inside [ ], found 'http' (service names are not looked up)");
        bad("spdadd 192.0.2.1[] 192.0.2.2 tcp -P out none;", "1:18", "expected a port number (0-65535) or 'any' inside [ ], found ''");
        bad("spdadd 192.0.2.1[-1] 192.0.2.2 tcp -P out none;", "1:18", "found '-1'");
        bad("delete 192.0.2.1[500] 192.0.2.2 esp 300;", "1:17", "a port on an SA address is only used with esp-udp");
        bad("deleteall 192.0.2.1 192.0.2.2[4500] esp-udp;", "1:30", "deleteall takes addresses without ports");

        // delete, deleteall, flush
        bad("delete 192.0.2.1 192.0.2.2 esp 300 -m tunnel;", "1:36", "delete takes no options: SAs are found by destination, protocol and SPI");
        bad("delete 192.0.2.1 192.0.2.2 esp;", "1:31", "expected the SPI");
        bad("deleteall 192.0.2.1 192.0.2.2 esp 300;", "1:35", "expected ';' after the protocol, found '300'");
        bad("flush esp ah;", "1:11", "expected ';' after 'flush esp', found 'ah'");

        // spdadd: selectors and upper layer
        bad("spdadd 10.0.0.1-10.0.0.9 10.1.0.0/16 any -P out none;", "1:16", "setkey has no address ranges (a-b): write address/prefixlen");
        bad("spdadd any any any -P out none;", "1:8", "'any' is not an address: write 0.0.0.0/0 or ::/0");
        bad("spdadd 10.0.0.0/33 10.1.0.0/16 any -P out none;", "1:17", "prefix length 33 is longer than 32 for an IPv4 address");
        bad("spdadd ::/129 ::/0 any -P out none;", "1:11", "prefix length 129 is longer than 128 for an IPv6 address");
        bad("spdadd 10.0.0.0/ 10.1.0.0/16 any -P out none;", "1:17", "expected a prefix length after '/'");
        bad("spdadd 10.0.0.0/2x 10.1.0.0/16 any -P out none;", "1:18", "expected a decimal prefix length, found 'x'");
        bad("spdadd 10.0.0.0/99999999999 10.1.0.0/16 any -P out none;", "1:17", "prefix length 99999999999 is larger than");
        bad("spdadd 10.0.0.0/8[80]/8 10.1.0.0/16 any -P out none;", "1:22", "unexpected '/' after the port");
        bad("spdadd 10.0.0.0/8 ::/0 any -P out none;", "1:19", "the destination range :: is IPv6 but the source range 10.0.0.0 is IPv4");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 -P out none;", "1:31", "expected the upper-layer protocol (any, tcp, udp, icmp, icmp6, another name or a number), found '-P'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 ftp -P out none;", "1:31", "unknown upper-layer protocol 'ftp': write its number (0-254) or one of any, ");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 255 -P out none;", "1:31", "protocol 255 is what setkey uses for 'any': write any");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 256 -P out none;", "1:31", "protocol number 256 is larger than 255");
        bad("spdadd ::/0 ::/0 icmp6 136 -P out none;", "1:24", "an ICMP type needs its code too, as TYPE,CODE: e.g. '136,0'");
        bad("spdadd ::/0 ::/0 icmp6 136,0,1 -P out none;", "1:29", "expected TYPE,CODE with a single comma");
        bad("spdadd ::/0 ::/0 icmp6 256,0 -P out none;", "1:24", "ICMP type 256 is larger than 255");
        bad("spdadd ::/0 ::/0 icmp6 1,300 -P out none;", "1:26", "ICMP code 300 is larger than 255");
        bad("spdadd ::/0 ::/0 icmp6 ,0 -P out none;", "1:24", "expected an ICMP type before ','");
        bad("spdadd ::/0 ::/0 icmp6 1, -P out none;", "1:26", "expected an ICMP code after ','");
        bad("spdadd ::/0 ::/0 tcp 1,2 -P out none;", "1:22", "only icmp and icmp6 take a type and code after the protocol");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 gre 1234 -P out none;", "1:35", "GRE keys are not supported");
        bad("spdadd ::/0[80] ::/0 icmp6 136,0 -P out none;", "1:12", "a port cannot be combined with an ICMP type and code");
        bad("spdadd 0.0.0.0/0 0.0.0.0/0[7] icmp -P out none;", "1:27", "protocol icmp has no ports; write [any] or no port");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -ctx 1 1 \"x\" -P out none;", "1:35", "security context labels (-ctx) are not supported");

        // spdadd: direction, priority, policy
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any out ipsec esp/transport//require;", "1:35", "expected -P and a direction after the upper-layer protocol, found 'out'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P inbound none;", "1:38", "expected a direction after -P (in, out or fwd), found 'inbound'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out;", "1:41", "expected the policy (discard, none or ipsec RULE...), found ';'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out permit;", "1:42", "expected the policy (discard, none or ipsec RULE...), found 'permit'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out bypass;", "1:42", "'bypass' concerns per-socket policies");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out entrust;", "1:42", "'entrust' concerns per-socket policies");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out none extra;", "1:47", "expected ';' after the policy, found 'extra'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out prio none;", "1:47", "expected a priority after 'prio' (a number, or low, def or high with an optional + or - offset), found 'none'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out prio 3000000000 none;", "1:47", "priority out of range");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out prio high + x none;", "1:54", "expected a number after the sign, found 'x'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out prio high 5 none;", "1:52", "expected the policy (discard, none or ipsec RULE...), found '5'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec;", "1:47", "ipsec needs at least one rule such as esp/transport//require or esp/tunnel/SRC-DST/require, found ';'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel//require;", "1:48", "esp/tunnel needs the tunnel's endpoints: esp/tunnel/SRC-DST/require");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunel/192.0.2.1-192.0.2.2/require;", "1:52", "expected transport or tunnel after 'esp/', found 'tunel'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1/require;", "1:59", "expected the endpoints as SRC-DST, found '192.0.2.1'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-2001:db8::1/require;", "1:69", "the tunnel destination 2001:db8::1 is IPv6 but the tunnel source 192.0.2.1 is IPv4");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-gw.example/require;", "1:69", "'gw.example' is a host name");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.256/require;", "1:77", "IPv4 address part 256 is larger than 255");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1[any]-192.0.2.2/require;", "1:69", "expected a port number (0-65535) inside [ ], found 'any'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/-192.0.2.2/require;", "1:59", "expected an address in the rule's SRC-DST");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/me-any/require;", "1:59", "'me-any' is not supported: write both addresses");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//required;", "1:63", "expected a level (default, use, require, unique or unique:N), found 'required'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//unique:0;", "1:70", "unique id must be 1 to 32767");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//unique:40000;", "1:70", "unique id 40000 is larger than 32767");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//unique:x;", "1:70", "expected a decimal unique id, found 'x'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec ipcomp/transport//require;", "1:48", "ipcomp rules are not supported by ipsec4j");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp;", "1:51", "incomplete rule: write esp/transport//require or esp/tunnel/SRC-DST/require");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//require/x;", "1:70", "too many '/' in the rule: protocol/mode/src-dst/level");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec foo/transport//require;", "1:48", "expected a rule protocol/mode/src-dst/level starting with esp or ah, found 'foo/transport//require'");
        bad("spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/transport//require\n  esp / tunnel;", "2:6", "incomplete rule: write esp/transport//require or esp/tunnel/SRC-DST/require (no spaces inside a rule)");
        bad("spddelete 10.0.0.0/8 10.1.0.0/16 any -P out nonsense;", "1:45", "expected the policy");
        bad("spddelete 10.0.0.0/8 10.1.0.0/16 any;", "1:37", "expected -P and a direction");

        // multi-line positions
        bad("flush;\nspdflush;\n\n# comment\nadd 192.0.2.1 192.0.2.2 esp 300\n\t-E aes-cbc 0x00;", "6:13", "aes-cbc takes a key of 16, 24 or 32 bytes, found 1 bytes");
        bad("flush;\r\nspdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec\r\n    esp/tunnel//require;\r\n", "3:5", "esp/tunnel needs the tunnel's endpoints");
        return CASES.stream();
    }

    @ParameterizedTest(name = "[{index}] {1}: {2}")
    @MethodSource("cases")
    void refusedWithPositionAndMessage(String text, String position, String message) {
        SetkeyException error = assertThrows(SetkeyException.class, () -> SetkeyParser.parse(text, "bad.conf"),
                () -> "accepted: " + text);
        assertEquals(position, error.line() + ":" + error.column(), () -> error.getMessage() + "\n  in: " + text);
        assertTrue(error.problem().contains(message), () -> "message: " + error.problem() + "\n  wanted: " + message);
        assertEquals("bad.conf:" + position + ": " + error.problem(), error.getMessage());
        for (String key : List.of(K16.substring(2), K20.substring(2, 24), "0123456789abcdef", "00112233445566778899")) {
            assertFalse(error.getMessage().contains(key), () -> "key material in: " + error.getMessage());
        }
    }
}
