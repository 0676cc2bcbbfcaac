package io.hwledger.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The functional requirements a test checks, by their ids in {@code docs/requirements.md} (for
 * example {@code "FR-PLAN-003"}).
 *
 * <p>On a test class it covers every test the class runs, including those it inherits from a
 * contract class and those of its {@code @Nested} classes; on a test method it adds to the class's.
 * The traceability gate of {@code ./mvnw verify} fails when a test resolves to no requirement,
 * names one the list does not have, or when a requirement has no test that ran and passed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Verifies {
  /** Requirement ids, each {@code FR-<AREA>-<three digits>}. */
  String[] value();
}
