package io.hwledger.fleet.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.GpuSpec;
import io.hwledger.math.GpuCatalog;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Verifies("FR-FLEET-010")
class ReportedNamesTest {
  private static final GpuCatalog CATALOG = GpuCatalog.builtIn();

  /** Product names as nvidia-smi, amdgpu's product_name and rocm-smi print them. */
  @ParameterizedTest
  @CsvSource({
    "nvidia, NVIDIA H100 80GB HBM3, h100-sxm-80gb",
    "nvidia, NVIDIA H100 PCIe, h100-pcie-80gb",
    "nvidia, NVIDIA H100 NVL, h100-nvl-94gb",
    "nvidia, NVIDIA H200, h200-sxm-141gb",
    "nvidia, NVIDIA B200, b200-hgx-180gb",
    "nvidia, NVIDIA A100-SXM4-80GB, a100-sxm-80gb",
    "nvidia, NVIDIA A100-SXM4-40GB, a100-sxm-40gb",
    "nvidia, NVIDIA A100 80GB PCIe, a100-pcie-80gb",
    "nvidia, NVIDIA L40S, l40s",
    "nvidia, NVIDIA L4, l4",
    "nvidia, NVIDIA A10, a10",
    "nvidia, NVIDIA GeForce RTX 4090, rtx-4090",
    "nvidia, NVIDIA GeForce RTX 5090, rtx-5090",
    "nvidia, NVIDIA RTX 6000 Ada Generation, rtx-6000-ada",
    "nvidia, NVIDIA RTX PRO 6000 Blackwell Workstation Edition, rtx-pro-6000-blackwell",
    "nvidia, '  nvidia h100 80gb  hbm3 ', h100-sxm-80gb",
    "amd, AMD Instinct MI300X, mi300x",
    "amd, AMD Radeon RX 7900 XTX, radeon-rx-7900-xtx",
  })
  void aReportedNameFindsItsCatalogGpu(String vendor, String name, String id) {
    assertThat(ReportedNames.find(CATALOG, vendor, name)).map(GpuSpec::id).contains(id);
  }

  /** Variants the catalog does not hold are not matched to a neighbour. */
  @ParameterizedTest
  @CsvSource({
    "nvidia, NVIDIA A10G",
    "nvidia, NVIDIA H200 NVL",
    "nvidia, NVIDIA A100-PCIE-40GB",
    "nvidia, NVIDIA A100-SXM4-80GB MIG 1g.10gb",
    "nvidia, NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition",
    "apple, Apple M4 Max",
    "amd, NVIDIA H100 80GB HBM3",
  })
  void anUnknownVariantIsNotFound(String vendor, String name) {
    assertThat(ReportedNames.find(CATALOG, vendor, name)).isEmpty();
  }
}
