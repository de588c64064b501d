package org.ipsec4j.daemon.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.ipsec4j.daemon.config.setkey.SetkeyException;
import org.ipsec4j.daemon.config.setkey.SetkeyFile;
import org.ipsec4j.daemon.config.setkey.SetkeyLoader;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.AddSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteAll;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.DeleteSa;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.Flush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdAdd;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdDelete;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdFlush;
import org.ipsec4j.daemon.config.setkey.SetkeyStatement.SpdUpdate;
import org.ipsec4j.daemon.config.setkey.SetkeyValidator;
import org.ipsec4j.daemon.config.setkey.SourcePosition;
import org.ipsec4j.daemon.state.SequenceReservation;
import org.ipsec4j.daemon.state.SequenceStateDirectory;
import org.ipsec4j.esp.sad.IpsecMode;
import org.ipsec4j.esp.sad.SecurityAssociation;
import org.ipsec4j.esp.sad.SecurityAssociationDatabase;
import org.ipsec4j.esp.selector.IpAddress;
import org.ipsec4j.esp.spd.Direction;
import org.ipsec4j.esp.spd.IpsecTemplate;
import org.ipsec4j.esp.spd.SecurityPolicy;
import org.ipsec4j.esp.spd.SecurityPolicyDatabase;

/**
 * Loads setkey files into the data plane's SAD and SPD, all or nothing ({@link SetkeyLoader}).
 *
 * <p>{@link #check} runs the file's statements in order against a copy of what is loaded, translating each
 * {@code add} and {@code spdadd} for this host (direction from the local addresses, algorithms, encapsulation),
 * settles {@code -m any}, binds each outbound PROTECT policy to its SA, and opens any socket the result needs.
 * Any problem is a {@link SetkeyException} at the statement's line and column, and nothing has changed.
 * {@link #apply} then swaps the prepared state in while the packet threads wait, so they see the old
 * configuration or the new one, never a mix.
 *
 * <p>An SA the file adds back unchanged (same statement, same keys) stays the running SA with its sequence
 * number, replay window and counters; a policy likewise keeps its hit counter.
 */
public final class SecurityDatabaseLoader implements SetkeyLoader {

    private final SecurityAssociationDatabase sad;
    private final SecurityPolicyDatabase spd;
    private final TranslationOptions options;
    private final LocalAddresses localAddresses;
    private final SequenceStateDirectory sequenceState;
    private final ConfigurationHooks hooks;
    private final LongSupplier clock;
    private final Consumer<String> log;

    private volatile ActiveConfiguration active = ActiveConfiguration.EMPTY;
    private Plan prepared;

    /**
     * @param sequenceState where outbound SAs reserve their sequence numbers (so a restart with the same keys
     *                      continues above them)
     */
    public SecurityDatabaseLoader(SecurityAssociationDatabase sad, SecurityPolicyDatabase spd,
            TranslationOptions options, LocalAddresses localAddresses, SequenceStateDirectory sequenceState,
            ConfigurationHooks hooks, LongSupplier clock, Consumer<String> log) {
        this.sad = Objects.requireNonNull(sad, "sad");
        this.spd = Objects.requireNonNull(spd, "spd");
        this.options = Objects.requireNonNull(options, "options");
        this.localAddresses = Objects.requireNonNull(localAddresses, "localAddresses");
        this.sequenceState = Objects.requireNonNull(sequenceState, "sequenceState");
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** What runs now. */
    public ActiveConfiguration active() {
        return active;
    }

    /** Reads, checks and applies a file; its keys are zeroed afterwards whatever happens. */
    @Override
    public synchronized SetkeyFile load(Path path) throws IOException, SetkeyException {
        SetkeyFile file = SetkeyFile.read(path);
        try {
            SetkeyValidator.validate(file);
            check(file);
            apply(file);
            return file;
        } finally {
            file.destroyKeys();
        }
    }

    @Override
    public synchronized SetkeyFile load(String text, String fileName) throws SetkeyException {
        SetkeyFile file = SetkeyFile.parse(text, fileName);
        try {
            SetkeyValidator.validate(file);
            check(file);
            apply(file);
            return file;
        } finally {
            file.destroyKeys();
        }
    }

    @Override
    public synchronized void check(SetkeyFile file) throws SetkeyException {
        prepared = null;
        prepared = plan(file);
    }

    @Override
    public synchronized void apply(SetkeyFile file) {
        Plan plan = prepared;
        if (plan == null || plan.file != file) {
            throw new IllegalStateException("apply without a successful check of the same file");
        }
        prepared = null;
        List<SecurityAssociation> built = plan.buildNewSas();
        ActiveConfiguration previous = active;
        ActiveConfiguration next = plan.result(built);
        hooks.exclusively(() -> commit(previous, next));
        active = next;
        retireRemoved(previous, next);
        plan.warnings.forEach(log);
        hooks.applied(previous, next);
        file.destroyKeys();
    }

    /** SAs that no longer run stop extending their reservations; their state files stay. */
    private static void retireRemoved(ActiveConfiguration previous, ActiveConfiguration next) {
        Set<SecurityAssociation> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        next.sas().forEach(c -> kept.add(c.sa()));
        for (ConfiguredSa old : previous.sas()) {
            SequenceReservation reservation = old.definition().reservation();
            if (!kept.contains(old.sa()) && reservation != null) {
                reservation.retire();
            }
        }
    }

    private void commit(ActiveConfiguration previous, ActiveConfiguration next) {
        long now = clock.getAsLong();
        Set<SecurityAssociation> keep = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        next.sas().forEach(c -> keep.add(c.sa()));
        // Old SAs first: a new SA may take the SPI of one it replaces.
        for (ConfiguredSa old : previous.sas()) {
            if (!keep.contains(old.sa())) {
                sad.remove(old.sa());
            }
        }
        Set<SecurityAssociation> installed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        previous.sas().forEach(c -> installed.add(c.sa()));
        for (ConfiguredSa sa : next.sas()) {
            if (!installed.contains(sa.sa())) {
                sad.install(sa.sa(), now);
            }
        }
        // Policies the setkey file did not make (IKE's, for its Child SAs) stay, after the file's: flush and
        // re-add in one change under the gate, so no packet sees the SPD half built.
        Set<SecurityPolicy> fromFile = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        previous.policies().forEach(p -> fromFile.add(p.policy()));
        List<SecurityPolicy> others = new ArrayList<>();
        for (Direction direction : Direction.values()) {
            spd.policies(direction).stream().filter(p -> !fromFile.contains(p)).forEach(others::add);
        }
        spd.flush();
        List<SecurityPolicy> all = new ArrayList<>(next.policies().stream().map(ConfiguredPolicy::policy).toList());
        all.addAll(others);
        spd.addAll(all);
        for (ConfiguredPolicy policy : next.policies()) {
            if (policy.policy().direction() == Direction.OUT && policy.policy().template() != null) {
                policy.policy().bindOutboundSa(chooseOutboundSa(policy.policy(), next.sas()));
            }
        }
        Set<IpAddress> ours = new LinkedHashSet<>();
        next.sas().forEach(c -> ours.add(c.sa().localAddress()));
        spd.setIkeAddresses(ours);
    }

    // ---- planning: everything that can fail happens here ----

    private Plan plan(SetkeyFile file) throws SetkeyException {
        ActiveConfiguration live = active;
        SetkeyTranslator translator = new SetkeyTranslator(options, localAddresses.addresses());
        Map<SaIdentity, Object> sas = new LinkedHashMap<>(); // ConfiguredSa (live) or SaDefinition (new)
        for (ConfiguredSa sa : live.sas()) {
            sas.put(sa.definition().identity(), sa);
        }
        List<Object> policies = new ArrayList<>(live.policies()); // ConfiguredPolicy (live) or PolicyDefinition (new)
        List<SaDefinition> created = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try {
            for (int i = 0; i < file.statements().size(); i++) {
                SourcePosition position = file.positionOf(i);
                try {
                    run(file.statements().get(i), position, translator, sas, policies, created, warnings);
                } catch (TranslationException e) {
                    throw new SetkeyException(file.fileName(), position, e.getMessage());
                }
            }
            Plan plan = new Plan(file, live);
            resolveModes(sas.values(), policies);
            for (Object entry : sas.values()) {
                if (entry instanceof SaDefinition definition) {
                    ConfiguredSa same = sameLiveSa(live, definition);
                    plan.sas.add(same != null ? same : definition);
                } else {
                    plan.sas.add(entry);
                }
            }
            List<ConfiguredPolicy> reusable = new ArrayList<>(live.policies());
            List<Object> ordered = new ArrayList<>();
            for (Object entry : policies) {
                if (policyDefinitionOf(entry).peerOnly()) {
                    PolicyDefinition skipped = policyDefinitionOf(entry);
                    warnings.add("line " + skipped.position().line() + ": skipping the peer's policy " + skipped.text()
                            + " (its tunnel or host is not on this side)");
                    continue;
                }
                if (entry instanceof PolicyDefinition definition) {
                    ConfiguredPolicy same = takeSameLivePolicy(reusable, definition);
                    ordered.add(same != null ? same : definition);
                } else {
                    ordered.add(entry);
                    reusable.remove(entry);
                }
            }
            ordered.sort(Comparator.comparingLong(SecurityDatabaseLoader::priority)); // stable: file order within
            plan.policies.addAll(ordered);
            plan.warnings.addAll(warnings);
            plan.warnings.addAll(bindingWarnings(plan));
            openSockets(file, plan);
            reserveSequenceNumbers(file, plan);
            return plan;
        } catch (SetkeyException | RuntimeException e) {
            for (SaDefinition definition : created) {
                if (definition.reservation() != null) {
                    definition.reservation().abandon();
                }
                definition.destroyKeys();
            }
            throw e;
        }
    }

    private void run(SetkeyStatement statement, SourcePosition position, SetkeyTranslator translator,
            Map<SaIdentity, Object> sas, List<Object> policies, List<SaDefinition> created, List<String> warnings)
            throws TranslationException {
        switch (statement) {
            case AddSa add -> {
                SaDefinition definition = translator.sa(add, position);
                created.add(definition);
                if (add.udpEncapsulation().flatMap(u -> u.originalAddress()).isPresent()) {
                    // Recorded for transport-mode checksum fixes behind NAT (RFC 3948 §3.1.2), not needed yet.
                    warnings.add("line " + position.line() + ": the NAT original address is not used");
                }
                Object earlier = sas.putIfAbsent(definition.identity(), definition);
                if (earlier != null) {
                    throw new TranslationException(definition.identity() + " is already loaded"
                            + (earlier instanceof ConfiguredSa c ? " (from line " + c.position().line() + ")" : "")
                            + "; delete or flush it first");
                }
            }
            case DeleteSa delete -> {
                SaIdentity identity = new SaIdentity(delete.destination(), delete.protocol(), delete.spi());
                Object removed = sas.remove(identity);
                if (removed == null) {
                    throw new TranslationException("there is no " + identity + " to delete");
                }
                if (!sourceOf(removed).equals(delete.source())) {
                    sas.put(identity, removed);
                    throw new TranslationException(identity + " comes from " + IpAddress.of(sourceOf(removed))
                            + ", not " + IpAddress.of(delete.source()));
                }
            }
            case DeleteAll all -> sas.values().removeIf(entry -> definitionOf(entry).identity().protocol()
                    == all.protocol() && sourceOf(entry).equals(all.source())
                    && definitionOf(entry).destination().equals(all.destination()));
            case Flush flush -> sas.values().removeIf(entry -> flush.protocol()
                    .map(p -> p == definitionOf(entry).identity().protocol()).orElse(true));
            case SpdAdd add -> {
                PolicyDefinition definition = translator.policy(add.selector(), add.direction(), add.priority(),
                        add.action(), position);
                if (indexOfPolicy(policies, add.selector(), add.direction()) >= 0) {
                    throw new TranslationException("a policy for " + add.selector() + " -P "
                            + add.direction().setkeyName() + " is already loaded; use spdupdate to replace it");
                }
                policies.add(definition);
            }
            case SpdUpdate update -> {
                PolicyDefinition definition = translator.policy(update.selector(), update.direction(),
                        update.priority(), update.action(), position);
                int index = indexOfPolicy(policies, update.selector(), update.direction());
                if (index >= 0) {
                    policies.set(index, definition);
                } else {
                    policies.add(definition);
                }
            }
            case SpdDelete delete -> {
                int index = indexOfPolicy(policies, delete.selector(), delete.direction());
                if (index < 0) {
                    throw new TranslationException("there is no policy for " + delete.selector() + " -P "
                            + delete.direction().setkeyName() + " to delete");
                }
                policies.remove(index);
            }
            case SpdFlush flush -> policies.clear();
        }
    }

    private static SaDefinition definitionOf(Object entry) {
        return entry instanceof ConfiguredSa c ? c.definition() : (SaDefinition) entry;
    }

    private static InetAddress sourceOf(Object entry) {
        return definitionOf(entry).source();
    }

    private static PolicyDefinition policyDefinitionOf(Object entry) {
        return entry instanceof ConfiguredPolicy c ? c.definition() : (PolicyDefinition) entry;
    }

    private static long priority(Object entry) {
        return policyDefinitionOf(entry).priority();
    }

    private static int indexOfPolicy(List<Object> policies, org.ipsec4j.daemon.config.setkey.PolicySelector selector,
            org.ipsec4j.daemon.config.setkey.PolicyDirection direction) {
        for (int i = 0; i < policies.size(); i++) {
            if (policyDefinitionOf(policies.get(i)).sameKey(selector, direction)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code -m any}: tunnel if some tunnel-mode policy names the SA's two endpoints, else transport. */
    private static void resolveModes(Iterable<Object> sas, List<Object> policies) {
        for (Object entry : sas) {
            if (entry instanceof SaDefinition definition && definition.mode() == null) {
                boolean tunnel = false;
                for (Object policy : policies) {
                    if (policyDefinitionOf(policy).action() instanceof org.ipsec4j.esp.spd.PolicyAction.Protect p
                            && p.template().mode() == IpsecMode.TUNNEL
                            && p.template().protocol() == definition.protocol()
                            && p.template().tunnelLocal().equals(definition.localAddress())
                            && p.template().tunnelRemote().equals(definition.remoteAddress())) {
                        tunnel = true;
                        break;
                    }
                }
                definition.resolveMode(tunnel ? IpsecMode.TUNNEL : IpsecMode.TRANSPORT);
            }
        }
    }

    private static ConfiguredSa sameLiveSa(ActiveConfiguration live, SaDefinition definition) {
        for (ConfiguredSa sa : live.sas()) {
            if (sa.definition().identity().equals(definition.identity()) && sa.sa().isUsable()
                    && sa.definition().sameAs(definition)) {
                definition.destroyKeys();
                return sa;
            }
        }
        return null;
    }

    private static ConfiguredPolicy takeSameLivePolicy(List<ConfiguredPolicy> reusable, PolicyDefinition definition) {
        for (Iterator<ConfiguredPolicy> it = reusable.iterator(); it.hasNext(); ) {
            ConfiguredPolicy policy = it.next();
            if (policy.definition().sameAs(definition)) {
                it.remove();
                return policy;
            }
        }
        return null;
    }

    private void openSockets(SetkeyFile file, Plan plan) throws SetkeyException {
        Map<OuterSocket, SourcePosition> needed = new LinkedHashMap<>();
        for (Object entry : plan.sas) {
            SaDefinition definition = definitionOf(entry);
            IpAddress local = definition.localAddress();
            OuterSocket socket = OuterSocket.of(local.family(), definition.protocol(), definition.udpEncapsulation());
            needed.putIfAbsent(socket, definition.position());
        }
        try {
            hooks.prepareSockets(needed.keySet());
        } catch (SocketUnavailableException e) {
            SourcePosition position = needed.getOrDefault(e.socket(), new SourcePosition(1, 1));
            throw new SetkeyException(file.fileName(), position, e.getMessage());
        }
    }

    /** Last, as nothing after it can fail: each new outbound SA's first block of sequence numbers, on disk. */
    private void reserveSequenceNumbers(SetkeyFile file, Plan plan) throws SetkeyException {
        for (Object entry : plan.sas) {
            if (entry instanceof SaDefinition definition && definition.flow() == SecurityAssociation.Flow.OUTBOUND) {
                try {
                    definition.reserveSequenceNumbers(sequenceState);
                } catch (IOException e) {
                    hooks.stateUnavailable(e);
                    throw new SetkeyException(file.fileName(), definition.position(), "cannot reserve sequence "
                            + "numbers for " + definition.identity() + " in " + sequenceState + ": " + e.getMessage());
                }
                SequenceReservation reservation = definition.reservation();
                if (reservation.resumeAfter() > 0) {
                    plan.warnings.add("line " + definition.position().line() + ": " + definition.identity()
                            + " has run with these keys before: its sequence numbers continue after "
                            + reservation.resumeAfter());
                } else if (reservation.keysChanged()) {
                    plan.warnings.add("line " + definition.position().line() + ": " + definition.identity()
                            + " has new keys: its sequence numbers start again at 1");
                }
            }
        }
    }

    private List<String> bindingWarnings(Plan plan) {
        List<String> warnings = new ArrayList<>();
        for (Object entry : plan.policies) {
            PolicyDefinition policy = policyDefinitionOf(entry);
            if (policy.direction() == Direction.OUT && policy.action() instanceof org.ipsec4j.esp.spd.PolicyAction.Protect p) {
                boolean found = false;
                for (Object sa : plan.sas) {
                    SaDefinition definition = definitionOf(sa);
                    if (definition.flow() == SecurityAssociation.Flow.OUTBOUND
                            && definition.protocol() == p.template().protocol()
                            && fits(p.template(), policy, definition.mode(), definition.reqid(),
                            definition.localAddress(), definition.remoteAddress())) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    warnings.add("line " + policy.position().line() + ": no outbound SA for policy " + policy.text()
                            + "; its packets are dropped until one is added");
                }
            }
        }
        return warnings;
    }

    /** Whether an outbound SA can carry a policy's packets (RFC 4301 §4.4.1.2 template; endpoints). */
    private static boolean fits(IpsecTemplate template, PolicyDefinition policy, IpsecMode mode, int reqid,
            IpAddress local, IpAddress remote) {
        if (template.mode() != mode || (template.reqid() != 0 && template.reqid() != reqid)) {
            return false;
        }
        if (mode == IpsecMode.TUNNEL) {
            return template.tunnelLocal().equals(local) && template.tunnelRemote().equals(remote);
        }
        return policy.selector().local().contains(local) && policy.selector().remote().contains(remote);
    }

    /** The newest outbound SA that fits the policy, as Linux prefers the newest state; null if none. */
    static SecurityAssociation chooseOutboundSa(SecurityPolicy policy, List<ConfiguredSa> sas) {
        SecurityAssociation chosen = null;
        for (ConfiguredSa configured : sas) {
            SecurityAssociation sa = configured.sa();
            if (sa.flow() == SecurityAssociation.Flow.OUTBOUND && policy.template().accepts(sa)) {
                IpsecTemplate template = policy.template();
                boolean endpoints = sa.mode() == IpsecMode.TUNNEL
                        ? template.tunnelLocal().equals(sa.localAddress())
                                && template.tunnelRemote().equals(sa.remoteAddress())
                        : policy.selector().local().contains(sa.localAddress())
                                && policy.selector().remote().contains(sa.remoteAddress());
                if (endpoints) {
                    chosen = sa;
                }
            }
        }
        return chosen;
    }

    /** The outcome of a check: the SAs and policies to run, in order, live ones reused. */
    private static final class Plan {
        final SetkeyFile file;
        final ActiveConfiguration live;
        final List<Object> sas = new ArrayList<>();      // ConfiguredSa (kept) or SaDefinition (to build)
        final List<Object> policies = new ArrayList<>(); // ConfiguredPolicy (kept) or PolicyDefinition (to build)
        final List<String> warnings = new ArrayList<>();

        Plan(SetkeyFile file, ActiveConfiguration live) {
            this.file = file;
            this.live = live;
        }

        /** Keys go into the codecs here, and out of the definitions. */
        List<SecurityAssociation> buildNewSas() {
            List<SecurityAssociation> built = new ArrayList<>();
            for (Object entry : sas) {
                if (entry instanceof SaDefinition definition) {
                    built.add(definition.build());
                }
            }
            return built;
        }

        ActiveConfiguration result(List<SecurityAssociation> built) {
            Iterator<SecurityAssociation> fresh = built.iterator();
            List<ConfiguredSa> configuredSas = new ArrayList<>();
            for (Object entry : sas) {
                configuredSas.add(entry instanceof SaDefinition definition
                        ? new ConfiguredSa(definition, fresh.next()) : (ConfiguredSa) entry);
            }
            List<ConfiguredPolicy> configuredPolicies = new ArrayList<>();
            for (Object entry : policies) {
                configuredPolicies.add(entry instanceof PolicyDefinition definition
                        ? new ConfiguredPolicy(definition, new SecurityPolicy(definition.direction(),
                                definition.selector(), definition.action(), definition.text()))
                        : (ConfiguredPolicy) entry);
            }
            return new ActiveConfiguration(configuredSas, configuredPolicies);
        }
    }
}
