package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.api.GpuSpec;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Verifies({"FR-CATALOG-002", "FR-PLAN-008"})
class GpuCatalogTest {
  private static final GpuCatalog CATALOG = GpuCatalog.builtIn();
  private static final long GIB = 1L << 30;

  static Stream<GpuSpec> gpus() {
    return CATALOG.gpus().stream();
  }

  @ParameterizedTest
  @MethodSource("gpus")
  void everyGpuIsComplete(GpuSpec g) {
    assertThat(g.id()).matches("[a-z0-9.-]+");
    assertThat(g.vendor()).isIn("NVIDIA", "AMD", "Apple");
    // every catalog GPU has at least 16 GiB
    assertThat(g.memoryBytes()).isGreaterThanOrEqualTo(16L << 30);
    assertThat(g.memoryBudgetBytes()).isPositive().isLessThanOrEqualTo(g.memoryBytes());
    assertThat(g.sources()).isNotEmpty();
    assertThat(g.denseTeraFlops().values()).allSatisfy(v -> assertThat(v).isPositive());
    assertThat(g.unifiedMemory()).isEqualTo(g.vendor().equals("Apple"));
    assertThat(CATALOG.get(g.id())).isSameAs(g);
    assertThat(CATALOG.get(g.name())).isSameAs(g);
  }

  @Test
  void idsAndNamesAreUnique() {
    Set<String> keys = new HashSet<>();
    for (GpuSpec g : CATALOG.gpus()) {
      assertThat(keys.add(g.id().toLowerCase(Locale.ROOT))).isTrue();
      assertThat(keys.add(g.name().toLowerCase(Locale.ROOT))).isTrue();
    }
  }

  @Test
  void h100SxmAsNvidiaSmiReportsIt() {
    GpuSpec h100 = CATALOG.get("H100-SXM-80GB");
    assertThat(h100.memoryBytes()).isEqualTo(81_559L * 1024 * 1024);
    assertThat(h100.memoryBudgetBytes()).isEqualTo(h100.memoryBytes());
    assertThat(h100.workingSetBytes()).isEmpty();
    assertThat(h100.denseTeraFlops("bf16")).hasValue(989.5);
    assertThat(h100.denseTeraFlops("fp4")).isEmpty();
  }

  @Test
  void appleBudgetIsTheWorkingSet() {
    GpuSpec m4 = CATALOG.get("apple m4 max (40-core gpu, 128gb)");
    assertThat(m4.memoryBytes()).isEqualTo(128L << 30);
    assertThat(m4.workingSetBytes()).hasValue(96L << 30);
    assertThat(m4.memoryBudgetBytes()).isEqualTo(96L << 30);
    // an Apple entry without a recorded working set falls back to the whole memory
    GpuSpec m3Ultra = CATALOG.get("apple-m3-ultra-512gb");
    assertThat(m3Ultra.workingSetBytes()).isEmpty();
    assertThat(m3Ultra.memoryBudgetBytes()).isEqualTo(512L << 30);
  }

  /** The GPUs people rent and own, as issue 15 lists them. */
  @Test
  @Verifies("FR-PLAN-021")
  void coversTheGpusPeopleRentAndOwn() {
    Stream.of(
            "rtx-3090",
            "rtx-3090-ti",
            "rtx-4080",
            "rtx-4090",
            "rtx-5080",
            "rtx-5090",
            "rtx-a6000",
            "rtx-6000-ada",
            "l4",
            "l40s",
            "a10",
            "a100-pcie-40gb",
            "a100-sxm-40gb",
            "a100-pcie-80gb",
            "a100-sxm-80gb",
            "h100-pcie-80gb",
            "h100-sxm-80gb",
            "h100-nvl-94gb",
            "h200-sxm-141gb",
            "b200-hgx-180gb",
            "gh200-96gb",
            "mi210",
            "mi250-gcd",
            "mi250x-gcd",
            "mi300x",
            "mi325x",
            "apple-m1-pro-32gb",
            "apple-m1-max-64gb",
            "apple-m1-ultra-128gb",
            "apple-m2-pro-32gb",
            "apple-m2-max-96gb",
            "apple-m2-ultra-192gb",
            "apple-m3-pro-36gb",
            "apple-m3-max-128gb",
            "apple-m3-ultra-512gb",
            "apple-m4-pro-64gb",
            "apple-m4-max-128gb")
        .forEach(id -> assertThat(CATALOG.find(id)).as(id).isPresent());
  }

  /**
   * Every NVIDIA and AMD row gives the runtime's total beside nvidia-smi's (or rocm-smi's),
   * measured and quoted or derived by a rule its notes state, and cites it; the reservation between
   * the two is under 1 GiB on every card the sources measured (480 MiB on an H100, 729 MiB on a
   * B200, 20 MiB on an MI355X). Apple rows have none: their engines budget from Metal's working
   * set.
   */
  @Test
  @Verifies("FR-PLAN-021")
  void everyCudaOrHipTotalIsCitedAndUnderTheDeviceTotal() throws IOException {
    JsonNode rows =
        new ObjectMapper().readTree(ModelCatalog.resource("catalog/gpus.json")).get("gpus");
    assertThat(rows.size()).isEqualTo(CATALOG.gpus().size());
    for (JsonNode row : rows) {
      GpuSpec g = CATALOG.get(row.get("id").asText());
      assertThat(row.get("marketedMemory").asText()).as(g.id()).isNotBlank();
      if (g.vendor().equals("Apple")) {
        assertThat(g.cudaTotalBytes()).as(g.id()).isEmpty();
        continue;
      }
      long cuda = g.cudaTotalBytes().orElseThrow();
      assertThat(cuda).as(g.id()).isLessThan(g.memoryBytes()).isGreaterThan(g.memoryBytes() - GIB);
      assertThat(row.get("cudaTotalRule").asText()).as(g.id()).isIn("measured", "derived");
      assertThat(row.get("cudaTotalSource").asText()).as(g.id()).startsWith("https://");
      assertThat(g.sources()).as(g.id()).contains(row.get("cudaTotalSource").asText());
      assertThat(row.get("cudaTotalNotes").asText()).as(g.id()).isNotBlank();
      if (row.get("cudaTotalRule").asText().equals("derived")) {
        assertThat(row.get("cudaTotalNotes").asText()).as(g.id()).contains("Rule:");
      }
    }
  }

  @Test
  @Verifies("FR-PLAN-021")
  void measuredTotalsAreTheQuotedFigures() {
    // deviceQuery: "81079 MBytes (85017755648 bytes)" on an H100 80GB HBM3
    assertThat(CATALOG.get("h100-sxm-80gb").cudaTotalBytes()).hasValue(85_017_755_648L);
    // deviceQuery: "32117 MBytes (33677180928 bytes)" on an RTX 5090
    assertThat(CATALOG.get("rtx-5090").cudaTotalBytes()).hasValue(33_677_180_928L);
    // PyTorch: "total capacity of 23.64 GiB" on an RTX 4090: round(23.64 · 1024) = 24,207 MiB
    assertThat(CATALOG.get("rtx-4090").cudaTotalBytes()).hasValue(24_207L << 20);
    // PyTorch: "total capacity of 287.98 GiB" on gfx950: round(287.98 · 1024) = 294,892 MiB
    assertThat(CATALOG.get("mi355x").cudaTotalBytes()).hasValue(294_892L << 20);
  }

  @Test
  void unknownGpuListsTheKnownOnes() {
    assertThatThrownBy(() -> CATALOG.get("rtx-9090"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown GPU 'rtx-9090' (known: h100-sxm-80gb, ");
    assertThat(CATALOG.find("rtx-9090")).isEmpty();
  }

  @Test
  void catalogIsSharedAndImmutable() {
    assertThat(GpuCatalog.builtIn()).isSameAs(CATALOG);
    assertThatThrownBy(() -> CATALOG.gpus().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
