package org.ipsec4j.diag.analyze;

/** How bad a finding is. A healthy tunnel's capture has none above {@link #INFO}. */
public enum Severity {
    /** Worth knowing, nothing broken (a NAT on the path, a path MTU a router reported and the sender used). */
    INFO,
    /** Something degrades the tunnel or will break it under other conditions. */
    WARNING,
    /** The tunnel, or part of it, does not work. */
    ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
