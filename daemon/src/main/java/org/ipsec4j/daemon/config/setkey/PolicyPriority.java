package org.ipsec4j.daemon.config.setkey;

import java.util.Objects;

/**
 * Linux's policy priority, {@code prio N} or {@code prio low|def|high [+|- N]} after the direction. A larger
 * {@link #offset()} puts the policy nearer the front of the list; {@link #linuxValue()} is what the kernel
 * stores, where the smaller value wins.
 */
public record PolicyPriority(Base base, long offset) {

    public enum Base {
        LOW("low", 0xC000_0000L),
        DEFAULT("def", 0x8000_0000L),
        HIGH("high", 0x4000_0000L);

        private final String setkeyName;
        private final long linuxValue;

        Base(String setkeyName, long linuxValue) {
            this.setkeyName = setkeyName;
            this.linuxValue = linuxValue;
        }

        public String setkeyName() {
            return setkeyName;
        }

        public long linuxValue() {
            return linuxValue;
        }
    }

    public PolicyPriority {
        Objects.requireNonNull(base, "base");
        long value = base.linuxValue - offset;
        if (offset < -0x1_0000_0000L || offset > 0x1_0000_0000L || value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("priority outside 32 bits: " + base + " " + offset);
        }
    }

    /** The kernel's unsigned 32-bit priority: base minus offset. */
    public long linuxValue() {
        return base.linuxValue - offset;
    }
}
