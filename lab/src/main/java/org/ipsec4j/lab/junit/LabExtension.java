package org.ipsec4j.lab.junit;

import java.util.List;
import org.ipsec4j.lab.Lab;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test its own {@link Lab} and tears it down after the test, passed or failed; when the test
 * failed, prints the lab's addresses, routes, firewall tables, process output and last commands first.
 *
 * <p>Use it through {@link UsesLab} and a {@code Lab} test-method parameter, or as
 * {@code @RegisterExtension final LabExtension lab = new LabExtension();} and {@link #get()}.
 * Without root the test fails with "lab tests need root; run bin/test as root".
 */
public final class LabExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LabExtension.class);
    private static final int COMMANDS_SHOWN_ON_FAILURE = 60;

    private volatile Lab current;

    @Override
    public void beforeEach(ExtensionContext context) {
        Lab lab = Lab.create();
        current = lab;
        context.getStore(STORE).put(Lab.class, lab);
    }

    /** The lab of the running test. */
    public Lab get() {
        Lab lab = current;
        if (lab == null) {
            throw new IllegalStateException("no lab: get() works only while a test runs");
        }
        return lab;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Lab lab = context.getStore(STORE).remove(Lab.class, Lab.class);
        current = null;
        if (lab == null) {
            return;
        }
        try {
            if (context.getExecutionException().isPresent()) {
                System.err.println(failureReport(context, lab));
            }
        } finally {
            lab.close();
        }
    }

    private static String failureReport(ExtensionContext context, Lab lab) {
        List<String> log = lab.commandLog();
        StringBuilder report = new StringBuilder("\n##### lab state after failed test ")
                .append(context.getDisplayName()).append('\n');
        try {
            report.append(lab.describe());
        } catch (RuntimeException e) {
            report.append("(could not describe the lab: ").append(e.getMessage()).append(")\n");
        }
        report.append("##### last commands\n");
        log.subList(Math.max(0, log.size() - COMMANDS_SHOWN_ON_FAILURE), log.size())
                .forEach(line -> report.append(line).append('\n'));
        return report.toString();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(STORE).get(Lab.class, Lab.class);
    }
}
