/**
 * Manual keying files in setkey syntax (ipsec-tools / KAME {@code setkey -f}): {@link
 * org.ipsec4j.daemon.config.setkey.SetkeyParser} turns text into a {@link
 * org.ipsec4j.daemon.config.setkey.SetkeyFile} of {@link org.ipsec4j.daemon.config.setkey.SetkeyStatement}s,
 * plain values the daemon maps onto the data plane's SAD and SPD. {@link
 * org.ipsec4j.daemon.config.setkey.SetkeyValidator} checks a file as a whole and {@link
 * org.ipsec4j.daemon.config.setkey.SetkeyLoader} is the all-or-nothing loading contract; {@link
 * org.ipsec4j.daemon.config.setkey.SetkeyWriter} writes statements back.
 *
 * <p>Errors are {@link org.ipsec4j.daemon.config.setkey.SetkeyException}s reading {@code file:line:column:
 * problem}. Keys never appear in messages or {@code toString()}.
 */
package org.ipsec4j.daemon.config.setkey;
