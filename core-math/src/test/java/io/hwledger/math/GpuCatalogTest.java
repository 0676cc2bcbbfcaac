package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.GpuSpec;
import io.hwledger.testsupport.Verifies;
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
