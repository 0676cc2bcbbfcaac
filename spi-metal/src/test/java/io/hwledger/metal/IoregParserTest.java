package io.hwledger.metal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.List;
import org.junit.jupiter.api.Test;

@Verifies({"FR-TELEMETRY-006", "FR-TELEMETRY-007"})
class IoregParserTest {

  @Test
  void readsM1ProDumpFromStatsIssue1094() {
    List<IoregAccelerator> all =
        IoregParser.parse(Fixtures.read("ioreg-m1pro-stats-issue-1094.txt"));

    assertThat(all).hasSize(1);
    IoregAccelerator gpu = all.get(0);
    assertThat(gpu.ioClass()).isEqualTo("AGXAcceleratorG13X");
    assertThat(gpu.model()).isEmpty();
    assertThat(gpu.gpuCoreCount()).isEmpty();
    PerformanceStatistics s = gpu.statistics().orElseThrow();
    assertThat(s.deviceUtilizationPercent()).hasValue(2);
    assertThat(s.rendererUtilizationPercent()).hasValue(2);
    assertThat(s.tilerUtilizationPercent()).hasValue(2);
    assertThat(s.inUseSystemMemoryBytes()).hasValue(340_983_808L);
    assertThat(s.allocSystemMemoryBytes()).hasValue(1_214_005_248L);
    assertThat(s.get("Allocated PB Size")).hasValue(17_956_864L);
    assertThat(s.values())
        .containsOnlyKeys(
            "TiledSceneBytes",
            "Alloc system memory",
            "Tiler Utilization %",
            "recoveryCount",
            "Renderer Utilization %",
            "SplitSceneCount",
            "Allocated PB Size",
            "Device Utilization %",
            "In use system memory");
  }

  @Test
  void readsM4ModelCoresAndDoesNotConfuseTheDriverSibling() {
    IoregAccelerator gpu = IoregParser.parse(Fixtures.read("ioreg-m4.txt")).get(0);

    assertThat(gpu.ioClass()).isEqualTo("AGXAcceleratorG16G");
    assertThat(gpu.model()).hasValue("Apple M4");
    assertThat(gpu.gpuCoreCount()).hasValue(10);
    PerformanceStatistics s = gpu.statistics().orElseThrow();
    assertThat(s.inUseSystemMemoryBytes()).hasValue(356_089_856L);
    assertThat(s.get("In use system memory (driver)")).hasValue(0L);
    assertThat(s.allocSystemMemoryBytes()).hasValue(2_181_693_440L);
    assertThat(s.deviceUtilizationPercent()).hasValue(30);
  }

  @Test
  void missingKeysAreAbsentNotZero() {
    IoregAccelerator gpu =
        IoregParser.parse(
                """
                +-o IntelAccelerator  <class IntelAccelerator, id 0x1>
                  "model" = <"Intel(R) UHD Graphics 630">
                  "PerformanceStatistics" = {"Device Utilization %"=7}
                """)
            .get(0);

    assertThat(gpu.model()).hasValue("Intel(R) UHD Graphics 630");
    PerformanceStatistics s = gpu.statistics().orElseThrow();
    assertThat(s.deviceUtilizationPercent()).hasValue(7);
    assertThat(s.inUseSystemMemoryBytes()).isEmpty();
    assertThat(s.allocSystemMemoryBytes()).isEmpty();
  }

  @Test
  void entryWithoutStatisticsHasNone() {
    IoregAccelerator gpu = IoregParser.parse("+-o Foo  <class Foo>\n  {\n  }\n").get(0);
    assertThat(gpu.statistics()).isEmpty();
  }

  @Test
  void keepsOnlyIntegersAndSkipsNestedValues() {
    PerformanceStatistics s =
        IoregParser.parseStatistics(
            "{\"a\"={\"x\"=1,\"y\"=(1,2)},\"b\"=(1,\"),\"),\"c\"=\"s,}\",\"d\"=Yes,\"e\"=<6b10>,\"f\"=-5,\"g\"=5}");
    assertThat(s.values())
        .containsOnlyKeys("f", "g")
        .containsEntry("f", -5L)
        .containsEntry("g", 5L);
    assertThat(IoregParser.parseStatistics("{}").values()).isEmpty();
  }

  @Test
  void blankOutputMeansNoAccelerators() {
    assertThat(IoregParser.parse("")).isEmpty();
    assertThat(IoregParser.parse("\n  \n")).isEmpty();
  }

  @Test
  void rejectsTextThatIsNotIoreg() {
    assertThatThrownBy(() -> IoregParser.parse("command not found: ioreg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "ioreg line 1: expected '+-o' or '\"key\" = value', got: command not found: ioreg");
    assertThatThrownBy(() -> IoregParser.parse("\"model\" = \"Apple M4\""))
        .hasMessageStartingWith("ioreg line 1: property before any '+-o' entry line");
  }

  @Test
  void rejectsTruncatedStatisticsWithOneLine() {
    assertThatThrownBy(
            () ->
                IoregParser.parse(
                    """
                    +-o AGX  <class AGXAcceleratorG13X>
                      "PerformanceStatistics" = {"Device Utilization %"=2,"In use sys
                    """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "ioreg line 2: malformed PerformanceStatistics of AGXAcceleratorG13X:")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> IoregParser.parseStatistics("{\"a\"={\"x\"=1}"))
        .hasMessage("expected '}' at column 13 but the text ended");
    assertThatThrownBy(() -> IoregParser.parseStatistics("{\"a\"=(1}"))
        .hasMessage("mismatched '}' at column 8");
  }

  @Test
  void rejectsNonNumericCoreCount() {
    assertThatThrownBy(
            () -> IoregParser.parse("+-o AGX  <class AGX>\n  \"gpu-core-count\" = \"ten\"\n"))
        .hasMessage("ioreg line 2: gpu-core-count of AGX is not a count: \"ten\"");
  }
}
