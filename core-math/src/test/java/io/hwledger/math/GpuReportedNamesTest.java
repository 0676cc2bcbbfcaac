package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.api.GpuSpec;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The product names telemetry tools print find their catalog rows ({@code reportedNames}). */
@Verifies("FR-PLAN-033")
class GpuReportedNamesTest {
  private static final GpuCatalog CATALOG = GpuCatalog.builtIn();

  /**
   * Names as the tools printed them in published output; the comment after each row is where. Each
   * name differs from the row's display name or is the name an agent reports for it.
   */
  @ParameterizedTest
  @CsvSource({
    // nvidia-smi table, NVIDIA/nccl#1264: "NVIDIA H100 80GB HBM3 ... 0MiB / 81559MiB"
    "nvidia, NVIDIA H100 80GB HBM3, h100-sxm-80gb",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#95
    "nvidia, NVIDIA H100 PCIe, h100-pcie-80gb",
    // nvidia-smi --query-gpu=name, akash-network/provider-configs#91: "NVIDIA H100 NVL, 0x232110DE"
    "nvidia, NVIDIA H100 NVL, h100-nvl-94gb",
    // nvidia-smi -q, NVIDIA/mig-parted#120: "Product Name : NVIDIA H200"
    "nvidia, NVIDIA H200, h200-sxm-141gb",
    // nvidia-smi table, NVIDIA/TensorRT-LLM#10278: "NVIDIA B200 ... 166593MiB / 183359MiB"
    "nvidia, NVIDIA B200, b200-hgx-180gb",
    // OpenCL device name, mredenti/PowerCapping OpenCL_benchmark.md
    "nvidia, NVIDIA GH200 480GB, gh200-96gb",
    // nvidia-smi -a, NVIDIA/CUDALibrarySamples#104: "Product Name : NVIDIA A100-SXM4-80GB"
    "nvidia, NVIDIA A100-SXM4-80GB, a100-sxm-80gb",
    // nvidia-smi table, bottlerocket-os/bottlerocket-core-kit#834: "598MiB / 40960MiB"
    "nvidia, NVIDIA A100-SXM4-40GB, a100-sxm-40gb",
    // nvidia-smi --query-gpu=name, akash-network/provider-configs#99: "NVIDIA L40S, ..., 46068 MiB"
    "nvidia, NVIDIA L40S, l40s",
    // nvidia-smi table, GoogleCloudPlatform/pubsec-declarative-toolkit#655: "20958MiB / 23034MiB"
    "nvidia, NVIDIA L4, l4",
    // NVML name, mayooot/detect-gpu#3: "name":"NVIDIA A10","Total":24146608128
    "nvidia, NVIDIA A10, a10",
    // nvidia-smi table, NVIDIA/DCGM#232: "NVIDIA A10G ... 8722MiB / 23028MiB"
    "nvidia, NVIDIA A10G, a10g",
    // nvidia-smi table, geerlingguy/raspberry-pi-pcie-devices#790: "1MiB / 12288MiB"
    "nvidia, NVIDIA GeForce RTX 3060, rtx-3060-12gb",
    // nvidia-smi table, noonghunna/club-3090#1127: "22591MiB / 24576MiB"
    "nvidia, NVIDIA GeForce RTX 3090, rtx-3090",
    // nvidia-smi table, RLinf/RLinf#255: "507MiB / 24564MiB"
    "nvidia, NVIDIA GeForce RTX 4090, rtx-4090",
    // nvidia-smi table, noonghunna/club-3090#617: "492MiB / 32607MiB"
    "nvidia, NVIDIA GeForce RTX 5090, rtx-5090",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#160
    "nvidia, NVIDIA RTX PRO 6000 Blackwell Workstation Edition, rtx-pro-6000-blackwell",
    // nvidia-smi -L as vLLM's collect_env prints it, vllm-project/vllm#15773
    "nvidia, NVIDIA A100 80GB PCIe, a100-pcie-80gb",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#76 (a 12 GB card; shared)
    "nvidia, NVIDIA GeForce RTX 3080, rtx-3080-10gb",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#130 (8 and 16 GB share it)
    "nvidia, NVIDIA GeForce RTX 4060 Ti, rtx-4060-ti-8gb",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#132
    "nvidia, NVIDIA GeForce RTX 3080 Ti, rtx-3080-ti",
    // nvidia-smi table, shkhln/libc6-shim#14: "NVIDIA GeForce RTX 5070 ... 1731MiB / 12227MiB"
    "nvidia, NVIDIA GeForce RTX 5070, rtx-5070",
    // PyTorch's CUDA device name, zzc0721/torch-performance-test-data#172
    "nvidia, NVIDIA GeForce RTX 5070 Ti, rtx-5070-ti",
    // cudaGetDeviceProperties, bigsnarfdude gist: "Name: NVIDIA GeForce RTX 4070 Ti SUPER"
    "nvidia, NVIDIA GeForce RTX 4070 Ti SUPER, rtx-4070-ti-super",
    // rocminfo Marketing Name, ROCm/legacy-rocm-build#4750
    "amd, AMD Instinct MI300X, mi300x",
    // amdsmi product_name, ROCm/vllm#359
    "amd, AMD Instinct MI300X OAM, mi300x",
    // rocm-smi -i Device Name, ROCm/legacy-rocm-build#4750
    "amd, AMD Instinct MI300A, mi300a",
    // case and runs of whitespace are ignored
    "NVIDIA, '  nvidia h100 80gb  hbm3 ', h100-sxm-80gb",
  })
  void aNameFromRealToolOutputFindsItsRow(String vendor, String name, String id) {
    assertThat(CATALOG.findReported(vendor, name)).map(GpuSpec::id).contains(id);
    assertThat(CATALOG.find(name)).map(GpuSpec::id).contains(id);
  }

  /** Variants the catalog does not hold, and other vendors' names, are not matched to a row. */
  @ParameterizedTest
  @CsvSource({
    "nvidia, NVIDIA A100-SXM4-80GB MIG 1g.10gb",
    "nvidia, NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition",
    "nvidia, NVIDIA GeForce RTX 4090 Laptop GPU",
    "nvidia, NVIDIA A800-SXM4-80GB",
    "nvidia, NVIDIA GeForce RTX 4070 SUPER",
    // the 8 GB card reports the 16 GB row's name; a lookup must not plan it as 16 GB
    "nvidia, NVIDIA GeForce RTX 5060 Ti",
    "nvidia, NVIDIA GeForce RTX 3080 Ti Laptop GPU",
    "apple, Apple M4 Max",
    "amd, NVIDIA H100 80GB HBM3",
    "nvidia, AMD Instinct MI300X",
  })
  void anUnknownVariantIsNotFound(String vendor, String name) {
    assertThat(CATALOG.findReported(vendor, name)).isEmpty();
  }

  /** Every listed name is cited: an https source that the row's sources also list. */
  @Test
  void everyReportedNameIsCitedAndUnique() throws IOException {
    JsonNode rows =
        new ObjectMapper().readTree(ModelCatalog.resource("catalog/gpus.json")).get("gpus");
    int names = 0;
    for (JsonNode row : rows) {
      GpuSpec g = CATALOG.get(row.get("id").asText());
      JsonNode reported = row.path("reportedNames");
      for (JsonNode n : reported) {
        names++;
        assertThat(n.get("source").asText()).as(g.id()).startsWith("https://");
        assertThat(g.sources()).as(g.id()).contains(n.get("source").asText());
        assertThat(n.get("tool").asText()).as(g.id()).isNotBlank();
        assertThat(CATALOG.find(n.get("name").asText())).as(n.toString()).containsSame(g);
      }
    }
    assertThat(names).isGreaterThanOrEqualTo(20);
  }

  /**
   * A name that would resolve to two rows, or one without a citation, stops the catalog loading.
   */
  @Test
  void anAmbiguousOrUncitedNameIsRefusedWhenTheCatalogLoads() throws IOException {
    String a =
        "{\"id\":\"a\",\"name\":\"Card A\",\"vendor\":\"NVIDIA\",\"memoryBytes\":1,"
            + "\"reportedNames\":[{\"name\":\"Card  b\",\"source\":\"https://x/1\"}]}";
    String b = "{\"id\":\"b\",\"name\":\"Card B\",\"vendor\":\"NVIDIA\",\"memoryBytes\":1}";
    ObjectMapper json = new ObjectMapper();
    assertThatThrownBy(() -> GpuCatalog.parse(json.readTree("{\"gpus\":[" + a + "," + b + "]}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("gpus.json: 'Card B' names both a and b");
    String uncited =
        "{\"id\":\"c\",\"name\":\"Card C\",\"vendor\":\"NVIDIA\",\"memoryBytes\":1,"
            + "\"reportedNames\":[{\"name\":\"C\",\"source\":\"http://x\"}]}";
    assertThatThrownBy(() -> GpuCatalog.parse(json.readTree("{\"gpus\":[" + uncited + "]}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("gpus.json: 'c' reportedNames needs a name and an https source");
    // a row listing its own display name among its reported names is fine
    String own =
        "{\"id\":\"d\",\"name\":\"Card D\",\"vendor\":\"NVIDIA\",\"memoryBytes\":1,"
            + "\"reportedNames\":[{\"name\":\"card d\",\"source\":\"https://x/2\"}]}";
    assertThat(GpuCatalog.parse(json.readTree("{\"gpus\":[" + own + "]}")).find("CARD D"))
        .map(GpuSpec::id)
        .contains("d");
  }
}
