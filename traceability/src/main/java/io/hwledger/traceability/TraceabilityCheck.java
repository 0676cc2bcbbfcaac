package io.hwledger.traceability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The traceability gate of {@code ./mvnw verify}: reads {@code docs/requirements.md} and the test
 * records every module's run left, writes the matrix to {@code target/traceability.md}, and fails
 * when a test names an unknown requirement, a test names none, or a requirement has no test that
 * ran and passed.
 */
public final class TraceabilityCheck {
  /** The requirement list, relative to the project root. */
  static final String REQUIREMENTS = "docs/requirements.md";

  /** The matrix, relative to the project root. */
  static final String MATRIX = "target/traceability.md";

  private TraceabilityCheck() {}

  /**
   * Runs the gate on the project whose root directory is {@code args[0]}.
   *
   * @throws IllegalStateException listing every problem, one per line
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: TraceabilityCheck PROJECT_ROOT");
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Requirements requirements = Requirements.read(root.resolve(REQUIREMENTS));
    List<TestRun> runs = TestRuns.read(root);
    Path matrix = root.resolve(MATRIX);
    MatrixWriter.write(matrix, requirements, runs, MainClassIndex.of(root));
    List<String> problems = problems(requirements, runs);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "traceability gate: "
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + " (matrix: "
              + matrix
              + ")\n  "
              + String.join("\n  ", problems));
    }
    System.out.printf(
        "traceability gate: %d requirements, each with a passing test; %d tests; matrix %s%n",
        requirements.byId().size(), runs.size(), matrix);
  }

  /** Every problem, unknown ids first, then tests without a requirement, then untested ones. */
  static List<String> problems(Requirements requirements, List<TestRun> runs) {
    List<String> problems = new ArrayList<>();
    if (runs.isEmpty()) {
      problems.add(
          "no test records found (module/target/traceability/tests.tsv): run the tests first");
      return problems;
    }
    Set<String> reported = new HashSet<>();
    for (TestRun run : runs) {
      for (String id : run.requirements()) {
        if (!requirements.contains(id) && reported.add(run.className() + " " + id)) {
          problems.add(
              run.className() + " names " + id + ", which " + REQUIREMENTS + " does not list");
        }
      }
    }
    Map<String, List<String>> unnamed = new LinkedHashMap<>();
    Map<String, Integer> testsPerClass = new LinkedHashMap<>();
    for (TestRun run : runs) {
      testsPerClass.merge(run.className(), 1, Integer::sum);
      if (run.requirements().isEmpty()) {
        unnamed.computeIfAbsent(run.className(), c -> new ArrayList<>()).add(run.method());
      }
    }
    unnamed.forEach(
        (testClass, methods) ->
            problems.add(
                methods.size() == testsPerClass.get(testClass)
                    ? testClass
                        + " names no requirement: add @Verifies(\"FR-…\") to the class or its tests"
                    : testClass
                        + " has tests that name no requirement: "
                        + String.join(", ", new TreeSet<>(methods))));
    Set<String> passed = new HashSet<>();
    for (TestRun run : runs) {
      if (run.passed()) {
        passed.addAll(run.requirements());
      }
    }
    requirements
        .byId()
        .forEach(
            (id, sentence) -> {
              if (!passed.contains(id)) {
                problems.add(id + " has no test that ran and passed (\"" + sentence + "\")");
              }
            });
    return problems;
  }
}
