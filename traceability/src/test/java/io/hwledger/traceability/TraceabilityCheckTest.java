package io.hwledger.traceability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.TraceabilityListener;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-QUALITY-001")
class TraceabilityCheckTest {
  private static final Requirements TWO =
      Requirements.parse(
          "requirements.md",
          List.of(
              "| id | requirement |",
              "|---|---|",
              "| FR-PLAN-001 | Parameters are counted. |",
              "| FR-LEDGER-001 | Appends are durable. |"));

  private static TestRun run(String status, String className, String method, String... ids) {
    return new TestRun("core", status, className, method, method + "()", List.of(ids));
  }

  private final List<TestRun> covering =
      List.of(
          run("SUCCESSFUL", "io.x.PlannerTest", "counts", "FR-PLAN-001"),
          run("SUCCESSFUL", "io.x.LedgerTest", "appends", "FR-LEDGER-001"),
          run("SUCCESSFUL", "io.x.LedgerTest", "reopens", "FR-LEDGER-001"));

  @Test
  void everyRequirementWithAPassingTestAndEveryTestWithARequirementPasses() {
    assertThat(TraceabilityCheck.problems(TWO, covering)).isEmpty();
  }

  @Test
  void removingTheLastTestOfARequirementNamesIt() {
    List<TestRun> withoutPlannerTest = covering.subList(1, 3);
    assertThat(TraceabilityCheck.problems(TWO, withoutPlannerTest))
        .containsExactly(
            "FR-PLAN-001 has no test that ran and passed (\"Parameters are counted.\")");
  }

  @Test
  void aTestWithoutARequirementNamesItsClass() {
    List<TestRun> runs = new ArrayList<>(covering);
    runs.add(run("SUCCESSFUL", "io.x.NewTest", "something"));
    runs.add(run("SUCCESSFUL", "io.x.NewTest", "somethingElse"));
    assertThat(TraceabilityCheck.problems(TWO, runs))
        .containsExactly(
            "io.x.NewTest names no requirement: add @Verifies(\"FR-…\") to the class or its tests");
  }

  @Test
  void someTestsOfAClassWithoutARequirementAreNamed() {
    List<TestRun> runs = new ArrayList<>(covering);
    runs.add(run("SUCCESSFUL", "io.x.PlannerTest", "unannotated"));
    assertThat(TraceabilityCheck.problems(TWO, runs))
        .containsExactly("io.x.PlannerTest has tests that name no requirement: unannotated");
  }

  @Test
  void anUnknownRequirementIsNamedOncePerClass() {
    List<TestRun> runs = new ArrayList<>(covering);
    runs.add(run("SUCCESSFUL", "io.x.LedgerTest", "a", "FR-LEDGER-001", "FR-LEDGER-999"));
    runs.add(run("SUCCESSFUL", "io.x.LedgerTest", "b", "FR-LEDGER-999"));
    assertThat(TraceabilityCheck.problems(TWO, runs))
        .containsExactly(
            "io.x.LedgerTest names FR-LEDGER-999, which docs/requirements.md does not list");
  }

  @Test
  void failedSkippedAndAbortedTestsDoNotCover() {
    List<TestRun> runs =
        List.of(
            run("FAILED", "io.x.PlannerTest", "counts", "FR-PLAN-001"),
            run("SKIPPED", "io.x.PlannerTest", "skipped", "FR-PLAN-001"),
            run("ABORTED", "io.x.PlannerTest", "assumed", "FR-PLAN-001"),
            run("SUCCESSFUL", "io.x.LedgerTest", "appends", "FR-LEDGER-001"));
    assertThat(TraceabilityCheck.problems(TWO, runs))
        .containsExactly(
            "FR-PLAN-001 has no test that ran and passed (\"Parameters are counted.\")");
  }

  @Test
  void noRecordsAtAllIsAProblemNotAPass() {
    assertThat(TraceabilityCheck.problems(TWO, List.of()))
        .singleElement()
        .asString()
        .startsWith("no test records found");
  }

  @Test
  void theGateReadsTheProjectWritesTheMatrixAndFailsNamingEveryProblem(@TempDir Path root)
      throws IOException {
    write(
        root.resolve("docs/requirements.md"),
        "| FR-PLAN-001 | Parameters are counted. |",
        "| FR-LEDGER-001 | Appends are durable. |");
    write(
        root.resolve("core/src/main/java/io/x/Planner.java"), "package io.x;", "class Planner {}");
    write(
        root.resolve("core/src/test/java/io/x/PlannerTest.java"),
        "package io.x;",
        "class PlannerTest { Planner p; }");
    write(
        root.resolve("core/" + TraceabilityListener.RECORD),
        TraceabilityListener.HEADER,
        "SUCCESSFUL\tio.x.PlannerTest\tcounts\tcounts()\tFR-PLAN-001",
        "SUCCESSFUL\tio.x.OrphanTest\tlonely\tlonely()\t");

    assertThatThrownBy(() -> TraceabilityCheck.main(new String[] {root.toString()}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 problems")
        .hasMessageContaining("io.x.OrphanTest names no requirement")
        .hasMessageContaining("FR-LEDGER-001 has no test that ran and passed");
    String matrix = Files.readString(root.resolve("target/traceability.md"));
    assertThat(matrix)
        .contains("| **FR-PLAN-001** Parameters are counted. | `PlannerTest` 1/1 | `Planner` |")
        .contains("| **FR-LEDGER-001** Appends are durable. | **none** |  |");

    write(
        root.resolve("core/" + TraceabilityListener.RECORD),
        TraceabilityListener.HEADER,
        "SUCCESSFUL\tio.x.PlannerTest\tcounts\tcounts()\tFR-PLAN-001,FR-LEDGER-001");
    TraceabilityCheck.main(new String[] {root.toString()}); // passes: nothing to throw
    assertThat(Files.readString(root.resolve("target/traceability.md")))
        .contains("| **FR-LEDGER-001** Appends are durable. | `PlannerTest` 1/1 | `Planner` |");
  }

  static void write(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
  }
}
