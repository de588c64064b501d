package org.ipsec4j.linux;

import java.io.IOException;

/**
 * A system call failed: names the call, what it was applied to, and the errno with its symbolic name and text,
 * e.g. {@code bind(0.0.0.0:4500): Address already in use (EADDRINUSE, errno 98)}.
 */
public class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call  what failed, with its argument if that helps, e.g. {@code "TUNSETIFF(tun0)"}
     * @param errno the positive errno value
     */
    public ErrnoException(String call, int errno) {
        this(call, errno, null);
    }

    protected ErrnoException(String call, int errno, String detail) {
        super(call + ": " + describe(errno) + (detail == null ? "" : ": " + detail));
        this.call = call;
        this.errno = errno;
    }

    /**
     * Throws unless {@code result} is non-negative, reading a negative result as {@code -errno} (the convention
     * of this module's native bindings).
     *
     * @return {@code result}
     */
    static long check(String call, long result) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(call, (int) -result);
        }
        return result;
    }

    static int check(String call, int result) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(call, -result);
        }
        return result;
    }

    /** The call that failed, as given to the constructor. */
    public String call() {
        return call;
    }

    /** The positive errno value, e.g. 98. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code EADDRINUSE}, or {@code errno 98} if the C library does not know it. */
    public String errnoName() {
        String name = LibC.errnoName(errno);
        return name != null ? name : "errno " + errno;
    }

    /** "Address already in use (EADDRINUSE, errno 98)". */
    static String describe(int errno) {
        String text = LibC.errnoDescription(errno);
        String name = LibC.errnoName(errno);
        return (text != null ? text : "Unknown error") + " (" + (name != null ? name + ", " : "") + "errno " + errno
                + ")";
    }
}
