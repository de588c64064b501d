package org.ipsec4j.lab;

/** A veth pair joining two namespaces; its two ends are {@link #a()} and {@link #b()}. */
public final class Link {

    private final LinkEnd a;
    private final LinkEnd b;

    Link(LinkEnd a, LinkEnd b) {
        this.a = a;
        this.b = b;
        a.attach(this);
        b.attach(this);
    }

    /** The end in the first namespace given to {@link Lab#link}. */
    public LinkEnd a() {
        return a;
    }

    /** The end in the second namespace given to {@link Lab#link}. */
    public LinkEnd b() {
        return b;
    }

    /** The end that lies in {@code namespace}. */
    public LinkEnd end(Namespace namespace) {
        if (a.namespace() == namespace) {
            return a;
        }
        if (b.namespace() == namespace) {
            return b;
        }
        throw new IllegalArgumentException(namespace.name() + " is not on link " + this);
    }

    /** Sets the MTU of both ends. */
    public void setMtu(int mtu) {
        a.setMtu(mtu);
        b.setMtu(mtu);
    }

    @Override
    public String toString() {
        return a + " <-> " + b;
    }
}
