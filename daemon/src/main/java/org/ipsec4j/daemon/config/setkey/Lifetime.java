package org.ipsec4j.daemon.config.setkey;

/**
 * A hard or soft SA lifetime: seconds since the SA was added ({@code -lh}/{@code -ls}) and bytes carried
 * ({@code -bh}/{@code -bs}); 0 means no limit of that kind.
 */
public record Lifetime(long seconds, long bytes) {

    public static final Lifetime UNLIMITED = new Lifetime(0, 0);

    public Lifetime {
        if (seconds < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative lifetime: " + seconds + " s, " + bytes + " bytes");
        }
    }

    public boolean isUnlimited() {
        return seconds == 0 && bytes == 0;
    }

    public Lifetime withSeconds(long newSeconds) {
        return new Lifetime(newSeconds, bytes);
    }

    public Lifetime withBytes(long newBytes) {
        return new Lifetime(seconds, newBytes);
    }
}
