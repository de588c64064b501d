package org.ipsec4j.daemon.config.setkey;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;

/**
 * Checks a parsed file as a whole, by running its statements in order against an empty SAD and SPD: an SA
 * added twice (same destination, protocol and SPI; esp and esp-udp share SPIs) or a policy added twice (same
 * selector and direction) without a delete or flush in between is an error at the second one. What the file
 * cannot know by itself, such as an SPI already used by a live SA, is for {@link SetkeyLoader#check}.
 */
public final class SetkeyValidator {

    private SetkeyValidator() {}

    private record SaKey(InetAddress destination, SecurityProtocol protocol, long spi) {}

    private record PolicyKey(PolicySelector selector, PolicyDirection direction) {}

    private record Added<T>(T statement, SourcePosition position) {}

    public static void validate(SetkeyFile file) throws SetkeyException {
        Map<SaKey, Added<AddSa>> sas = new HashMap<>();
        Map<PolicyKey, SourcePosition> policies = new HashMap<>();
        for (int i = 0; i < file.statements().size(); i++) {
            SourcePosition position = file.positionOf(i);
            switch (file.statements().get(i)) {
                case AddSa sa -> {
                    SaKey key = new SaKey(sa.destination(), sa.protocol(), sa.spi());
                    Added<AddSa> earlier = sas.putIfAbsent(key, new Added<>(sa, position));
                    if (earlier != null) {
                        throw new SetkeyException(file.fileName(), position, "SPI 0x" + Long.toHexString(sa.spi())
                                + " for " + sa.protocol().setkeyName() + " to " + Addresses.format(sa.destination())
                                + " is already added at line " + earlier.position().line()
                                + " (the SPI must be unique per destination and protocol)");
                    }
                }
                case DeleteSa delete -> sas.remove(new SaKey(delete.destination(), delete.protocol(), delete.spi()));
                case DeleteAll deleteAll -> {
                    Iterator<Map.Entry<SaKey, Added<AddSa>>> entries = sas.entrySet().iterator();
                    while (entries.hasNext()) {
                        AddSa sa = entries.next().getValue().statement();
                        if (sa.protocol() == deleteAll.protocol() && sa.source().equals(deleteAll.source())
                                && sa.destination().equals(deleteAll.destination())) {
                            entries.remove();
                        }
                    }
                }
                case Flush flush -> sas.keySet().removeIf(key -> flush.protocol().map(p -> p == key.protocol())
                        .orElse(true));
                case SpdAdd add -> {
                    SourcePosition earlier = policies.putIfAbsent(new PolicyKey(add.selector(), add.direction()),
                            position);
                    if (earlier != null) {
                        throw new SetkeyException(file.fileName(), position, "a policy for " + add.selector()
                                + " -P " + add.direction().setkeyName() + " is already added at line "
                                + earlier.line() + " (use spdupdate to replace it)");
                    }
                }
                case SpdUpdate update -> policies.put(new PolicyKey(update.selector(), update.direction()), position);
                case SpdDelete delete -> policies.remove(new PolicyKey(delete.selector(), delete.direction()));
                case SpdFlush ignored -> policies.clear();
            }
        }
    }
}
