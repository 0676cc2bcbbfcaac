package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.nvidia.NvidiaSmiBackendProvider;
import io.hwledger.nvidia.NvmlBackendProvider;
import io.hwledger.rocm.AmdgpuSysfsBackendProvider;
import io.hwledger.rocm.RocmSmiBackendProvider;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.HostDevices;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every GPU of a host with an NVIDIA and an AMD card: the real NVML and ROCm SMI backends over the
 * gcc-built fake libraries (fake_nvml.c: two NVIDIA GPUs; fake_rocm_smi.c: two AMD GPUs), the
 * amdgpu sysfs reader on a tree written here, and {@code nvidia-smi} wherever the machine has it.
 */
@Verifies({"FR-TELEMETRY-013", "FR-CLI-004"})
class DevicesHostNativeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SYSFS_ROOT = "hwledger.sysfs.root";
  private static final String H100 = "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f";
  private static final String A100 = "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
  private static final String MI300X = "0x1234abcd5678ef00";
  private static final String RX7900XT = "0001:03:00.1"; // no unique id: its PCI bus id

  @TempDir Path tmp;

  private static void assumeFakes() {
    for (String property : List.of("hwledger.nvml.library", "hwledger.rocm.library")) {
      String path = System.getProperty(property, "");
      assumeTrue(Files.exists(Path.of(path)), "fake library " + path + " is built by the reactor");
    }
  }

  private static GpuBackends realBackends() {
    return GpuBackends.of(
        List.of(
            new NvmlBackendProvider(),
            new NvidiaSmiBackendProvider(),
            new RocmSmiBackendProvider(),
            new AmdgpuSysfsBackendProvider()));
  }

  /** One amdgpu card under {@code root}: the RX 7900 XT that the fake ROCm SMI also reports. */
  private static void writeAmdgpuCard(Path root) throws IOException {
    Path pci = Files.createDirectories(root.resolve("sys/devices/pci0001:00/0001:03:00.1"));
    Files.writeString(pci.resolve("vendor"), "0x1002\n");
    Files.writeString(pci.resolve("mem_info_vram_total"), "21458059264\n");
    Files.writeString(pci.resolve("mem_info_vram_used"), "27856896\n");
    Files.writeString(pci.resolve("product_name"), "Radeon RX 7900 XT\n");
    Files.writeString(pci.resolve("uevent"), "DRIVER=amdgpu\nPCI_SLOT_NAME=0001:03:00.1\n");
    Path card = Files.createDirectories(root.resolve("sys/class/drm/card0"));
    Files.createSymbolicLink(card.resolve("device"), pci);
  }

  /** Runs {@code body} with the system property set, then restores it. */
  private static <T> T withProperty(String name, String value, Supplier<T> body) {
    String before = System.getProperty(name);
    System.setProperty(name, value);
    try {
      return body.get();
    } finally {
      if (before == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, before);
      }
    }
  }

  private static List<String> devices(Cli.Result r) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> out = new ArrayList<>();
    for (JsonNode d : MAPPER.readTree(r.out()).get("devices")) {
      out.add(
          d.get("backend").asText()
              + "/"
              + d.get("uuid").asText()
              + "/"
              + d.get("vendor").asText()
              + (d.get("integrated").asBoolean() ? "/integrated" : ""));
    }
    return out;
  }

  @Test
  void aHostWithNvidiaAndAmdCardsListsBothThroughTheBestBackendOfEachVendor() throws Exception {
    assumeFakes();
    writeAmdgpuCard(tmp); // amdgpu-sysfs is available too, but ROCm SMI (90) outranks it (50)
    Cli.Result json =
        withProperty(
            SYSFS_ROOT,
            tmp.toString(),
            () -> DevicesCommandTest.run(realBackends(), "devices", "--json"));
    // the RX 7900 XT, which both AMD backends see, is listed once, by ROCm SMI
    assertThat(devices(json))
        .containsExactly(
            "nvml/" + H100 + "/nvidia",
            "nvml/" + A100 + "/nvidia",
            "rocm-smi-lib/" + MI300X + "/amd",
            "rocm-smi-lib/" + RX7900XT + "/amd");
    Cli.Result table =
        withProperty(
            SYSFS_ROOT, tmp.toString(), () -> DevicesCommandTest.run(realBackends(), "devices"));
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("Backends nvml, rocm-smi-lib").contains("BACKEND");
    assertThat(table.out().lines().filter(l -> l.startsWith("rocm-smi-lib"))).hasSize(2);
  }

  @Test
  void forcingOneBackendListsOnlyItsGpus() throws Exception {
    assumeFakes();
    Cli.Result forced =
        withProperty(
            GpuBackends.BACKENDS_PROPERTY,
            "nvml",
            () -> DevicesCommandTest.run(realBackends(), "devices", "--json"));
    assertThat(devices(forced))
        .containsExactly("nvml/" + H100 + "/nvidia", "nvml/" + A100 + "/nvidia");
    Cli.Result option =
        DevicesCommandTest.run(realBackends(), "devices", "--backend", "rocm-smi-lib", "--json");
    assertThat(devices(option))
        .containsExactly("rocm-smi-lib/" + MI300X + "/amd", "rocm-smi-lib/" + RX7900XT + "/amd");
  }

  @Test
  void anAmdCardThatAppearsAfterTheFirstListingIsPickedUpWithoutReopeningNvml() throws Exception {
    assumeFakes();
    String root = tmp.toString();
    GpuBackends backends =
        GpuBackends.of(List.of(new NvmlBackendProvider(), new AmdgpuSysfsBackendProvider()));
    withProperty(
        SYSFS_ROOT,
        root,
        () -> {
          try (HostDevices host = backends.host(List.of(), Clock.systemUTC())) {
            assertThat(host.devices())
                .extracting(d -> d.device().uuid())
                .containsExactly(H100, A100);
            GpuBackend nvml = host.backends().get(0);
            try {
              writeAmdgpuCard(tmp); // the amdgpu driver comes up after the first listing
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            assertThat(host.devices())
                .extracting(d -> d.device().backend() + "/" + d.device().uuid())
                .containsExactly("nvml/" + H100, "nvml/" + A100, "amdgpu-sysfs/" + RX7900XT);
            assertThat(host.backends()).hasSize(2);
            assertThat(host.backends().get(0)).as("the NVML session is kept").isSameAs(nvml);
          }
          return null;
        });
  }
}
