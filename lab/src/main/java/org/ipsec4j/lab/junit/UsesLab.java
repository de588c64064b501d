package org.ipsec4j.lab.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class whose tests each get a fresh {@link org.ipsec4j.lab.Lab} as a parameter, closed after the
 * test whatever its outcome. Tagged {@code lab}: these tests need root and fail (not skip) without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
@ExtendWith(LabExtension.class)
public @interface UsesLab {
}
