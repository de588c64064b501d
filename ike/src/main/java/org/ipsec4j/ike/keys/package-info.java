/**
 * Key material from outside the engine, for reading captures: the keys of IKE SAs and ESP SAs as a key log
 * holds them, and decryptors that open IKEv2 SK/SKF payloads and ESP packets with them.
 *
 * <ul>
 *   <li>{@link org.ipsec4j.ike.keys.KeyLog} reads ipsec4j's own key log (the {@code .keys} file of a tunnel
 *       dump, {@link org.ipsec4j.ike.keys.KeyLogFormat}) or strongSwan's charon log written with {@code ike = 4}
 *       and {@code chd = 4} ({@link org.ipsec4j.ike.keys.CharonLogParser}).</li>
 *   <li>{@link org.ipsec4j.ike.keys.IkeDecryptor} turns a raw IKE message into its plaintext payloads, joining
 *       RFC 7383 fragments; {@link org.ipsec4j.ike.keys.EspDecryptor} turns an ESP packet into its inner
 *       packet. Both use the engine's own ciphers ({@link org.ipsec4j.ike.crypto.SkCipher} and the data
 *       plane's {@link org.ipsec4j.esp.crypto.EspCodec}), and both say why when they cannot.</li>
 *   <li>{@link org.ipsec4j.ike.keys.WiresharkKeyTables} writes the same keys as rows of Wireshark's
 *       {@code ikev2_decryption_table} and {@code esp_sa} tables.</li>
 * </ul>
 *
 * Secrets: these classes exist to handle keys in the clear, on request. Records that hold keys have a
 * {@code destroy()} that zeroes their arrays, text with keys is built in byte arrays that are zeroed after
 * use, and {@code toString()} never prints a key.
 */
package org.ipsec4j.ike.keys;
