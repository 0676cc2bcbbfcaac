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
import org.assertj.core.data.Offset;
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
    // every catalog GPU has at least 8 GiB (the base Apple M1/M2 tier)
    assertThat(g.memoryBytes()).isGreaterThanOrEqualTo(8L << 30);
    assertThat(g.memoryBudgetBytes()).isPositive().isLessThanOrEqualTo(g.memoryBytes());
    assertThat(g.sources()).isNotEmpty();
    assertThat(g.denseTeraFlops().values()).allSatisfy(v -> assertThat(v).isPositive());
    // Apple silicon and the MI300A APU share one memory between CPU and GPU
    assertThat(g.unifiedMemory()).isEqualTo(g.vendor().equals("Apple") || g.id().equals("mi300a"));
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
            "rtx-3060-12gb",
            "rtx-3070",
            "rtx-3080-10gb",
            "rtx-3080-12gb",
            "rtx-3070-ti",
            "rtx-3080-ti",
            "rtx-5060-ti-16gb",
            "rtx-5070",
            "rtx-5070-ti",
            "rtx-4060-ti-8gb",
            "rtx-4060-ti-16gb",
            "rtx-4070",
            "rtx-4070-ti",
            "rtx-4070-ti-super",
            "l4",
            "l40",
            "l40s",
            "a10",
            "a10g",
            "a100-pcie-40gb",
            "a100-sxm-40gb",
            "a100-pcie-80gb",
            "a100-sxm-80gb",
            "h100-pcie-80gb",
            "h100-sxm-80gb",
            "h100-nvl-94gb",
            "h200-sxm-141gb",
            "h200-nvl-141gb",
            "b200-hgx-180gb",
            "gh200-96gb",
            "mi210",
            "mi250-gcd",
            "mi250x-gcd",
            "mi300x",
            "mi300a",
            "mi325x",
            "apple-m1-8gb",
            "apple-m1-16gb",
            "apple-m2-8gb",
            "apple-m2-16gb",
            "apple-m2-24gb",
            "apple-m3-8gb",
            "apple-m3-16gb",
            "apple-m3-24gb",
            "apple-m4-16gb",
            "apple-m4-24gb",
            "apple-m4-32gb",
            "apple-m1-pro-16gb",
            "apple-m1-pro-32gb",
            "apple-m1-max-32gb",
            "apple-m1-max-64gb",
            "apple-m1-ultra-128gb",
            "apple-m2-pro-16gb",
            "apple-m2-pro-32gb",
            "apple-m2-max-32gb",
            "apple-m2-max-64gb",
            "apple-m2-max-96gb",
            "apple-m2-ultra-192gb",
            "apple-m3-pro-36gb",
            "apple-m3-max-48gb",
            "apple-m3-max-128gb",
            "apple-m3-ultra-512gb",
            "apple-m4-pro-24gb",
            "apple-m4-pro-48gb",
            "apple-m4-pro-64gb",
            "apple-m4-max-36gb",
            "apple-m4-max-48gb",
            "apple-m4-max-64gb",
            "apple-m4-max-128gb")
        .forEach(id -> assertThat(CATALOG.find(id)).as(id).isPresent());
  }

  /**
   * Every NVIDIA and AMD row gives the runtime's total beside nvidia-smi's (or rocm-smi's),
   * measured and quoted or derived by a rule its notes state, and cites it; the reservation between
   * the two is under 1 GiB on every card the sources measured (480 MiB on an H100, 729 MiB on a
   * B200, 20 MiB on an MI355X). Unified-memory rows have none: Apple's engines budget from Metal's
   * working set, and the MI300A's HBM is the host's memory too, so no reservation rule applies.
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
      if (g.unifiedMemory()) {
        assertThat(g.cudaTotalBytes()).as(g.id()).isEmpty();
        assertThat(row.get("cudaTotalNotes").asText()).as(g.id()).isNotBlank();
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
    // PyTorch: "11.75 GiB total capacity" on an RTX 3060 12GB: 11.75 · 1024 = 12,032 MiB
    assertThat(CATALOG.get("rtx-3060-12gb").cudaTotalBytes()).hasValue(12_032L << 20);
    // PyTorch: "total capacity of 44.40 GiB" on an L40: round(44.40 · 1024) = 45,466 MiB
    assertThat(CATALOG.get("l40").cudaTotalBytes()).hasValue(45_466L << 20);
  }

  /** Totals nvidia-smi printed for the rows added in round two, in MiB as it prints them. */
  @Test
  @Verifies("FR-PLAN-021")
  void newRowsCarryTheTotalsNvidiaSmiPrinted() {
    // NVIDIA/DCGM#232: "NVIDIA A10G ... 8722MiB / 23028MiB"
    assertThat(CATALOG.get("a10g").memoryBytes()).isEqualTo(23_028L << 20);
    // the GA102 rule: 23,028 − 307 MiB
    assertThat(CATALOG.get("a10g").cudaTotalBytes()).hasValue(22_721L << 20);
    // geerlingguy/raspberry-pi-pcie-devices#790: "NVIDIA GeForce RTX 3060 ... 1MiB / 12288MiB"
    assertThat(CATALOG.get("rtx-3060-12gb").memoryBytes()).isEqualTo(12_288L << 20);
    // the Hopper rule on the H200's 143,771 MiB: 143,771 − 480 MiB
    assertThat(CATALOG.get("h200-nvl-141gb").cudaTotalBytes()).hasValue(143_291L << 20);
    // amd-smi: 42.66 GB per TPX partition = 128 GB / 3 (ROCm/amdsmi#97)
    assertThat(CATALOG.get("mi300a").memoryBytes()).isEqualTo(128L << 30);
  }

  /**
   * Round three's consumer rows: bandwidth is bus width times data rate as the cited specification
   * tables give them; CUDA totals are the quoted measurement or the family reservation the notes
   * name (consumer Ampere: the RTX 3090's 24,576 − 24,269 = 307 MiB; consumer Ada: the RTX 4090's
   * 24,564 − 24,207 = 357 MiB).
   */
  @Test
  @Verifies("FR-PLAN-021")
  void consumerRowsCarryTheCitedBusTimesRateAndTotals() {
    long gbps = 1_000_000_000L;
    // Tom's Hardware: RTX 3080 10GB, 320-bit, 19 Gbps GDDR6X, 760 GBps, 320 W
    assertThat(bandwidth("rtx-3080-10gb")).isEqualTo(320 * 19 * gbps / 8);
    // se7en.ws / droix: RTX 3080 12GB, 384-bit, 19 Gbps, 912 GB/s
    assertThat(bandwidth("rtx-3080-12gb")).isEqualTo(384 * 19 * gbps / 8);
    // Tom's Hardware: RTX 3070, 256-bit, 14 Gbps GDDR6, 448 GBps
    assertThat(bandwidth("rtx-3070")).isEqualTo(256 * 14 * gbps / 8);
    // TheFPSReview / purespecs: RTX 4070 and 4070 Ti, 192-bit, 21 Gbps GDDR6X, 504 GB/s
    assertThat(bandwidth("rtx-4070")).isEqualTo(192 * 21 * gbps / 8);
    assertThat(bandwidth("rtx-4070-ti")).isEqualTo(192 * 21 * gbps / 8);
    // TheFPSReview: RTX 4060 Ti, 128-bit, 18 Gbps GDDR6, 288 GB/s; the 16 GB card keeps the bus
    assertThat(bandwidth("rtx-4060-ti-8gb")).isEqualTo(128 * 18 * gbps / 8);
    assertThat(bandwidth("rtx-4060-ti-16gb")).isEqualTo(128 * 18 * gbps / 8);
    // TechNewsToday: RTX 3080 Ti 384-bit and RTX 3070 Ti 256-bit, both 19 Gbps GDDR6X
    assertThat(bandwidth("rtx-3080-ti")).isEqualTo(384 * 19 * gbps / 8);
    assertThat(bandwidth("rtx-3070-ti")).isEqualTo(256 * 19 * gbps / 8);
    // GDDR7 at 28 Gbps: RTX 5070 192-bit (672 GB/s), 5070 Ti 256-bit (896), 5060 Ti 128-bit (448)
    assertThat(bandwidth("rtx-5070")).isEqualTo(192 * 28 * gbps / 8);
    assertThat(bandwidth("rtx-5070-ti")).isEqualTo(256 * 28 * gbps / 8);
    assertThat(bandwidth("rtx-5060-ti-16gb")).isEqualTo(128 * 28 * gbps / 8);
    // the 4070 Ti SUPER's data rate is not in a stored source: no bandwidth rather than a guess
    assertThat(CATALOG.get("rtx-4070-ti-super").memoryBandwidthBytesPerSecond()).isEmpty();

    // PyTorch on an RTX 3080: "9.78 GiB total capacity": round(9.78 · 1024) = 10,015 MiB
    assertThat(CATALOG.get("rtx-3080-10gb").cudaTotalBytes()).hasValue(10_015L << 20);
    // cudaGetDeviceProperties on an RTX 4070 Ti SUPER: "Total global mem: 16852516864"
    assertThat(CATALOG.get("rtx-4070-ti-super").cudaTotalBytes()).hasValue(16_852_516_864L);
    // derived: 12,288 − 307 MiB, 8,192 − 307 MiB, 12,288 − 357 MiB, 16,384 − 357 MiB
    assertThat(CATALOG.get("rtx-3080-12gb").cudaTotalBytes()).hasValue(11_981L << 20);
    assertThat(CATALOG.get("rtx-3070").cudaTotalBytes()).hasValue(7_885L << 20);
    assertThat(CATALOG.get("rtx-4070").cudaTotalBytes()).hasValue(11_931L << 20);
    assertThat(CATALOG.get("rtx-4060-ti-16gb").cudaTotalBytes()).hasValue(16_027L << 20);
    // shkhln/libc6-shim#14: "NVIDIA GeForce RTX 5070 ... 1731MiB / 12227MiB"; less the RTX
    // 5090's 32,607 − 32,117 = 490 MiB
    assertThat(CATALOG.get("rtx-5070").memoryBytes()).isEqualTo(12_227L << 20);
    assertThat(CATALOG.get("rtx-5070").cudaTotalBytes()).hasValue(11_737L << 20);
    // the RTX 5090's deviceQuery bytes (33,677,180,928) under 32,607 MiB: 489.94 MiB, rule 490
    assertThat(Math.round(reservation("rtx-5090") / (double) (1 << 20))).isEqualTo(490);
    assertThat(reservation("rtx-5070-ti")).isEqualTo(490L << 20);
    // the reservations those rules name are the measured ones on the RTX 3090 and RTX 4090
    assertThat(reservation("rtx-3090")).isEqualTo(307L << 20);
    assertThat(reservation("rtx-4090")).isEqualTo(357L << 20);
    assertThat(reservation("rtx-3080-12gb")).isEqualTo(reservation("rtx-3090"));
    assertThat(reservation("rtx-4060-ti-8gb")).isEqualTo(reservation("rtx-4090"));
  }

  /** The M3's 8 and 16 GB tiers: 100 GB/s like every M3, and the logged 2/3 working set. */
  @Test
  @Verifies("FR-PLAN-021")
  void appleM3BaseTiersBudgetTwoThirds() {
    assertThat(bandwidth("apple-m3-8gb")).isEqualTo(100_000_000_000L);
    assertThat(bandwidth("apple-m3-16gb")).isEqualTo(100_000_000_000L);
    assertThat(CATALOG.get("apple-m3-8gb").memoryBytes()).isEqualTo(8L << 30);
    // the same working sets llama.cpp logs on 8 and 16 GB Macs: 5461.34 and 10922.67 MiB
    assertThat(CATALOG.get("apple-m3-8gb").memoryBudgetBytes() / (double) (1 << 20))
        .isCloseTo(5_461.34, Offset.offset(0.01));
    assertThat(CATALOG.get("apple-m3-16gb").memoryBudgetBytes() / (double) (1 << 20))
        .isCloseTo(10_922.67, Offset.offset(0.01));
  }

  /**
   * NVIDIA's A100 40GB table (dense; sparse doubles): FP64 TC 19.5, TF32 156, BF16 312, INT8 624.
   */
  @Test
  @Verifies("FR-PLAN-021")
  void a100Sxm40TensorRatesAreTheDatasheetDenseFigures() {
    GpuSpec a100 = CATALOG.get("a100-sxm-40gb");
    assertThat(a100.denseTeraFlops("fp64")).hasValue(19.5);
    assertThat(a100.denseTeraFlops("tf32")).hasValue(156.0);
    assertThat(a100.denseTeraFlops("bf16")).hasValue(312.0);
    assertThat(a100.denseTeraFlops("fp16")).hasValue(312.0);
    assertThat(a100.denseTeraFlops("int8")).hasValue(624.0);
    assertThat(a100.denseTeraFlops("fp8")).isEmpty();
  }

  private static long bandwidth(String id) {
    return CATALOG.get(id).memoryBandwidthBytesPerSecond().orElseThrow();
  }

  private static long reservation(String id) {
    GpuSpec g = CATALOG.get(id);
    return g.memoryBytes() - g.cudaTotalBytes().orElseThrow();
  }

  /**
   * Apple's base chips: Metal's working set as llama.cpp logs it on those Macs, to the 0.01 MiB its
   * two decimals carry (the catalog stores 2/3 of the memory, rounded down; Metal rounds up).
   */
  @Test
  @Verifies("FR-PLAN-021")
  void appleBaseChipsBudgetTheLoggedWorkingSet() {
    // "recommendedMaxWorkingSetSize = 10922.67 MiB" on a 16 GB Apple M1 (ise-uiuc/magicoder#19)
    assertThat(CATALOG.get("apple-m1-16gb").memoryBudgetBytes() / (double) (1 << 20))
        .isCloseTo(10_922.67, Offset.offset(0.01));
    // "( 3351.95 /  5461.34)" on an 8 GB M2 MacBook Air (li-plus/chatglm.cpp#76)
    assertThat(CATALOG.get("apple-m2-8gb").memoryBudgetBytes() / (double) (1 << 20))
        .isCloseTo(5_461.34, Offset.offset(0.01));
    // "recommendedMaxWorkingSetSize = 21845.34 MB" on an M1 Max with 32GB (llama.cpp#2011)
    assertThat(CATALOG.get("apple-m1-max-32gb").memoryBudgetBytes() / (double) (1 << 20))
        .isCloseTo(21_845.34, Offset.offset(0.01));
    // 3/4 above 36 GB: 48 GiB · 3/4 = 36 GiB
    assertThat(CATALOG.get("apple-m4-max-48gb").memoryBudgetBytes()).isEqualTo(36L << 30);
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
