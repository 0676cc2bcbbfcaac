package io.hwledger.traceability;

import java.util.List;

/**
 * One test as {@code TraceabilityListener} recorded it.
 *
 * @param module the module directory's name
 * @param status the JUnit result: {@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED} or {@code
 *     SKIPPED}
 * @param className the test class (binary name, {@code Outer$Nested} for nested classes)
 * @param method the test method, empty for a test without one
 * @param displayName JUnit's display name
 * @param requirements the requirement ids the test's annotations resolve to
 */
record TestRun(
    String module,
    String status,
    String className,
    String method,
    String displayName,
    List<String> requirements) {

  TestRun {
    requirements = List.copyOf(requirements);
  }

  boolean passed() {
    return "SUCCESSFUL".equals(status);
  }

  /** The top-level class, whose source file holds the test. */
  String outerClassName() {
    int nested = className.indexOf('$');
    return nested < 0 ? className : className.substring(0, nested);
  }

  /** {@code Class#method}, without the package. */
  String shortName() {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    return method.isEmpty() ? simple : simple + "#" + method;
  }
}
