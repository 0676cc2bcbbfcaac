package io.hwledger.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Records every test that ran in this JVM — its result, class, method and the requirements its
 * {@link Verifies} annotations resolve to — as one tab-separated row of {@code
 * target/traceability/tests.tsv} in the module, for the traceability gate to read.
 *
 * <p>Registered with the JUnit Platform through {@code META-INF/services}, so every module whose
 * tests have this jar on their class path reports without configuration. The first test plan of a
 * JVM replaces the file (a rerun never keeps stale rows); later plans of the same JVM append. A
 * plan that a test runs inside another (a TCK's can-fail test running broken fixtures through its
 * own launcher) is not the project's tests and is not recorded, unless the listener was given its
 * file explicitly.
 */
public final class TraceabilityListener implements TestExecutionListener {
  /** Columns of each row, in order; the file's first line. */
  public static final String HEADER = "status\tclass\tmethod\tdisplayName\trequirements";

  /** Where a module's record lies, relative to the module's base directory. */
  public static final String RECORD = "target/traceability/tests.tsv";

  private static final Object LOCK = new Object();
  private static final Set<Path> WRITTEN_BY_THIS_JVM = new HashSet<>();
  private static final AtomicInteger PLANS_RUNNING = new AtomicInteger();

  private final Path output;
  private final boolean recordsNestedPlans;
  private final List<String> rows = new ArrayList<>();
  private volatile TestPlan plan;
  private volatile boolean nested;

  /** Writes to {@code target/traceability/tests.tsv} under the module's base directory. */
  public TraceabilityListener() {
    this(
        Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve(RECORD),
        false);
  }

  /**
   * Writes to {@code output}.
   *
   * @param output the file the rows go to
   */
  public TraceabilityListener(Path output) {
    this(output, true);
  }

  private TraceabilityListener(Path output, boolean recordsNestedPlans) {
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    this.output = output.toAbsolutePath().normalize();
    this.recordsNestedPlans = recordsNestedPlans;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    nested = PLANS_RUNNING.getAndIncrement() > 0 && !recordsNestedPlans;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      record(id, "SKIPPED");
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (id.isTest()) {
      record(id, result.getStatus().name());
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    PLANS_RUNNING.decrementAndGet();
    if (nested) {
      rows.clear();
      return;
    }
    synchronized (LOCK) {
      try {
        Path parent = output.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        boolean first = WRITTEN_BY_THIS_JVM.add(output);
        List<String> lines = new ArrayList<>(rows.size() + 1);
        if (first) {
          lines.add(HEADER);
        }
        lines.addAll(rows);
        Files.write(
            output,
            lines,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            first ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the traceability record " + output, e);
      }
      rows.clear();
    }
  }

  private void record(TestIdentifier id, String status) {
    if (nested) {
      return;
    }
    Optional<Origin> origin = originOf(id);
    String className = origin.map(o -> o.className).orElse("?");
    String method = origin.map(o -> o.methodName).orElse("?");
    Set<String> requirements = origin.map(Origin::requirements).orElse(Set.of());
    String row =
        String.join(
            "\t",
            status,
            className,
            method,
            clean(id.getDisplayName()),
            String.join(",", requirements));
    synchronized (LOCK) {
      rows.add(row);
    }
  }

  /** The test's method, or failing that its class: from its own source or its nearest parent's. */
  private Optional<Origin> originOf(TestIdentifier id) {
    TestIdentifier current = id;
    while (current != null) {
      Optional<TestSource> source = current.getSource();
      if (source.isPresent() && source.get() instanceof MethodSource m) {
        return Optional.of(new Origin(m.getClassName(), m.getMethodName(), javaMethod(m)));
      }
      if (source.isPresent() && source.get() instanceof ClassSource classSource) {
        return Optional.of(new Origin(classSource.getClassName(), "", null));
      }
      current = plan == null ? null : plan.getParent(current).orElse(null);
    }
    return Optional.empty();
  }

  private static Method javaMethod(MethodSource m) {
    try {
      return m.getJavaMethod();
    } catch (RuntimeException e) { // the class or method could not be loaded
      return null;
    }
  }

  /**
   * The display name on one line of valid UTF-8: controls (tab and line breaks included), line
   * separators and unpaired surrogates — parameterised tests show hostile input — escaped as a
   * backslash, {@code u} and four hex digits.
   */
  static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)
                  || cp == 0x2028
                  || cp == 0x2029
                  || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  /** Where a test comes from, and the requirements its annotations name. */
  private static final class Origin {
    final String className;
    final String methodName;
    final Method method;

    Origin(String className, String methodName, Method method) {
      this.className = className;
      this.methodName = methodName;
      this.method = method;
    }

    Set<String> requirements() {
      Set<String> ids = new LinkedHashSet<>();
      if (method != null) {
        add(ids, method);
      }
      Class<?> testClass = load(className);
      for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
        Deque<Class<?>> types = new ArrayDeque<>();
        types.add(c);
        while (!types.isEmpty()) {
          Class<?> type = types.poll();
          add(ids, type);
          if (type.getSuperclass() != null) {
            types.add(type.getSuperclass());
          }
          types.addAll(List.of(type.getInterfaces()));
        }
      }
      return ids;
    }

    private static void add(Set<String> ids, AnnotatedElement element) {
      Verifies verifies = element.getAnnotation(Verifies.class);
      if (verifies != null) {
        ids.addAll(List.of(verifies.value()));
      }
    }

    private static Class<?> load(String name) {
      try {
        return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        return null;
      }
    }
  }
}
