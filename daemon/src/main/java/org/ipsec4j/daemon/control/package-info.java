/**
 * The control socket (Unix domain, mode 0600) and what it says: {@link org.ipsec4j.daemon.control.StatusReport}
 * rendered as text or JSON (with a small escaping {@link org.ipsec4j.daemon.control.JsonWriter}), reloads, and
 * the client {@code ipsec4j status} uses. The line protocol is in {@link
 * org.ipsec4j.daemon.control.ControlProtocol}.
 */
package org.ipsec4j.daemon.control;
