package io.hwledger.traceability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@Verifies("FR-QUALITY-001")
class RequirementsTest {
  @Test
  void rowsWithAnIdInTheFirstCellAreRequirementsInFileOrder() {
    Requirements r =
        Requirements.parse(
            "r.md",
            List.of(
                "# Requirements",
                "FR-NOT-001 in prose is not a row",
                "| id | requirement |",
                "|---|---|",
                "| FR-PLAN-002 | Second, listed first. |",
                "| `FR-PLAN-001` | An id may be in backticks. |"));
    assertThat(r.byId())
        .containsExactly(
            Map.entry("FR-PLAN-002", "Second, listed first."),
            Map.entry("FR-PLAN-001", "An id may be in backticks."));
  }

  @Test
  void aRepeatedIdNamesItsLine() {
    assertThatThrownBy(
            () ->
                Requirements.parse(
                    "r.md", List.of("| FR-PLAN-001 | One. |", "", "| FR-PLAN-001 | Again. |")))
        .hasMessage("r.md:3: FR-PLAN-001 is listed twice");
  }

  @Test
  void aMalformedIdOrAnEmptySentenceIsRefused() {
    assertThatThrownBy(() -> Requirements.parse("r.md", List.of("| FR-plan-1 | Lower case. |")))
        .hasMessage("r.md:1: FR-plan-1 is not a requirement id (FR-<AREA>-<three digits>)");
    assertThatThrownBy(() -> Requirements.parse("r.md", List.of("| FR-PLAN-001 |  |")))
        .hasMessage("r.md:1: FR-PLAN-001 has no sentence");
    assertThatThrownBy(() -> Requirements.parse("r.md", List.of("no table")))
        .hasMessageContaining("lists no requirement");
  }

  @Test
  void theProjectsOwnListIsWellFormed() throws IOException {
    Requirements own = Requirements.read(Path.of("../docs/requirements.md"));
    assertThat(own.byId()).containsKey("FR-QUALITY-001").hasSizeGreaterThan(50);
  }
}
