package io.hwledger.fleet.placement;

import io.hwledger.api.GpuSpec;
import io.hwledger.math.GpuCatalog;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the catalog GPU for a product name as the telemetry backends report it. The catalog names
 * GPUs by their marketing names ({@code NVIDIA H100 SXM 80GB}); NVML reports others ({@code NVIDIA
 * H100 80GB HBM3}). A name matches a catalog id or name as {@link GpuCatalog#find} does, or else
 * one of the exact reported names below. Only names seen in real {@code nvidia-smi} output are
 * listed, each for the one catalog entry it is: a MIG slice ({@code … MIG 1g.10gb}), a variant the
 * catalog lacks ({@code NVIDIA A10G}, {@code NVIDIA H200 NVL}, {@code NVIDIA A100-PCIE-40GB}) or an
 * Apple chip (Metal's name does not say the memory or core count the catalog's entries differ by)
 * is not found, and the job is planned from the reported total instead.
 */
final class ReportedNames {
  /** Reported name, lower case, to catalog id. */
  private static final Map<String, String> NVML =
      Map.ofEntries(
          // The catalog's note on h100-sxm-80gb: nvidia-smi's 81559 MiB for this name.
          Map.entry("nvidia h100 80gb hbm3", "h100-sxm-80gb"),
          Map.entry("nvidia h100 pcie", "h100-pcie-80gb"),
          Map.entry("nvidia h100 nvl", "h100-nvl-94gb"),
          // The catalog's note on h200-sxm-141gb: nvidia-smi's 143771 MiB for 'NVIDIA H200'.
          Map.entry("nvidia h200", "h200-sxm-141gb"),
          Map.entry("nvidia b200", "b200-hgx-180gb"),
          Map.entry("nvidia a100-sxm4-80gb", "a100-sxm-80gb"),
          Map.entry("nvidia a100-sxm4-40gb", "a100-sxm-40gb"),
          Map.entry("nvidia a100 80gb pcie", "a100-pcie-80gb"),
          Map.entry("nvidia rtx pro 6000 blackwell workstation edition", "rtx-pro-6000-blackwell"));

  private ReportedNames() {}

  /**
   * The catalog GPU named {@code productName}, when its vendor is the reported one.
   *
   * @param catalog the catalog to search
   * @param vendor the reported vendor, compared ignoring case ({@code nvidia} is {@code NVIDIA})
   * @param productName the reported product name; case and surrounding whitespace are ignored
   */
  static Optional<GpuSpec> find(GpuCatalog catalog, String vendor, String productName) {
    String key = productName.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    Optional<GpuSpec> found = catalog.find(key);
    if (found.isEmpty() && NVML.containsKey(key)) {
      found = catalog.find(NVML.get(key));
    }
    return found.filter(g -> g.vendor().equalsIgnoreCase(vendor.trim()));
  }
}
