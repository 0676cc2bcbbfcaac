package io.hwledger.rocm;

import static io.hwledger.rocm.FakeSysfsTree.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.ProcessMemory;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KFD topology, gfx target names, driver version and per-process VRAM from fake sysfs trees. */
@Verifies("FR-TELEMETRY-005")
class KfdTopologyTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path root;

  /**
   * KFD beside {@link FakeSysfsTree}: node 0 a CPU, node 1 card0 (0000:c1:00.0, gfx942, gpu_id
   * 41235), node 2 a second partition of the same GPU (node id in location_id bits 28-31), node 3
   * card1 (0000:03:00.0, gfx1100, gpu_id 8802). Processes 4242 and 77 on card0, 4242 on card1.
   */
  private void writeKfd() throws IOException {
    Path nodes = root.resolve("sys/class/kfd/kfd/topology/nodes");
    file(nodes.resolve("0/gpu_id"), "0\n");
    file(nodes.resolve("0/properties"), "cpu_cores_count 16\nsimd_count 0\ngfx_target_version 0\n");
    file(nodes.resolve("1/gpu_id"), "41235\n");
    // location_id 0xc100 = bus 0xc1, devfn 0
    file(
        nodes.resolve("1/properties"),
        """
        simd_count 1216
        gfx_target_version 90402
        vendor_id 4098
        device_id 29857
        location_id 49408
        domain 0
        drm_render_minor 128
        hive_id 0
        """);
    file(nodes.resolve("2/gpu_id"), "41236\n");
    // 0x1000c100: partition 1 of the same GPU
    file(
        nodes.resolve("2/properties"),
        "gfx_target_version 90402\nlocation_id 268484864\ndomain 0\n");
    file(nodes.resolve("3/gpu_id"), "8802\n");
    // location_id 0x0300 = bus 0x03
    file(
        nodes.resolve("3/properties"),
        "gfx_target_version 110000\nlocation_id 768\ndomain 0\ndrm_render_minor 129\n");
    Path proc = root.resolve("sys/class/kfd/kfd/proc");
    file(proc.resolve("4242/vram_41235"), "8589934592\n");
    file(proc.resolve("4242/vram_8802"), "1048576\n");
    file(proc.resolve("77/vram_41235"), "0\n");
    file(proc.resolve("77/sdma_41235"), "0\n");
  }

  @Test
  void gfxTargetFromKfdPrintsMinorAndSteppingInHex() {
    assertThat(GfxTarget.fromKfd(90402)).hasValue("gfx942");
    assertThat(GfxTarget.fromKfd(90010)).hasValue("gfx90a");
    assertThat(GfxTarget.fromKfd(90008)).hasValue("gfx908");
    assertThat(GfxTarget.fromKfd(110000)).hasValue("gfx1100");
    assertThat(GfxTarget.fromKfd(100300)).hasValue("gfx1030");
    assertThat(GfxTarget.fromKfd(110501)).hasValue("gfx1151");
    assertThat(GfxTarget.fromKfd(0)).isEmpty();
    assertThat(GfxTarget.fromKfd(90020)).isEmpty();
  }

  @Test
  void gfxTargetFromRocmSmiUndoesItsConversion() {
    assertThat(GfxTarget.fromRocmSmi(942)).hasValue("gfx942");
    assertThat(GfxTarget.fromRocmSmi(9010)).hasValue("gfx90a");
    assertThat(GfxTarget.fromRocmSmi(9008)).hasValue("gfx908");
    assertThat(GfxTarget.fromRocmSmi(11000)).hasValue("gfx1100");
    assertThat(GfxTarget.fromRocmSmi(1030)).hasValue("gfx1030");
    assertThat(GfxTarget.fromRocmSmi(1151)).hasValue("gfx1151");
    assertThat(GfxTarget.fromRocmSmi(-1L)).isEmpty(); // UINT64_MAX
    assertThat(GfxTarget.fromRocmSmi(0)).isEmpty();
    assertThat(GfxTarget.fromRocmSmi(42)).isEmpty();
  }

  @Test
  void nodesSkipCpusAndCarryPciAddress() throws IOException {
    writeKfd();
    List<KfdTopology.Node> nodes = new KfdTopology(root).gpuNodes();
    assertThat(nodes)
        .containsExactly(
            new KfdTopology.Node(41235, node(1, 1216, 90402, "0000:c1:00.0")),
            new KfdTopology.Node(41236, node(2, 0, 90402, "0000:c1:00.0")),
            new KfdTopology.Node(8802, node(3, 0, 110000, "0000:03:00.0")));
    assertThat(new KfdTopology(root).nodeFor("0000:C1:00.0").map(KfdTopology.Node::number))
        .hasValue(1);
    assertThat(new KfdTopology(root).nodeFor("0000:04:00.0")).isEmpty();
  }

  private static KfdProperties.Node node(int number, long simds, long gfx, String pci) {
    return new KfdProperties.Node(number, 0, simds, OptionalLong.of(gfx), Optional.of(pci));
  }

  @Test
  @Verifies("FR-TELEMETRY-014")
  void anApuNodeMarksItsCardIntegratedAndADiscreteOneDoesNot() throws IOException {
    FakeSysfsTree.write(root);
    writeKfd();
    // card0's node (0000:c1:00.0) becomes a Phoenix APU's: gfx1103, no CPU cores (Linux 6.6+).
    file(
        root.resolve("sys/class/kfd/kfd/topology/nodes/1/properties"),
        "cpu_cores_count 0\nsimd_count 24\ngfx_target_version 110003\nlocation_id 49408\n");
    try (GpuBackend backend =
        new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(root)).open(CLOCK)) {
      assertThat(backend.devices())
          .extracting(GpuDevice::integrated)
          .containsExactly(true, false, false);
    }
  }

  @Test
  void processesPerGpuId() throws IOException {
    writeKfd();
    KfdTopology kfd = new KfdTopology(root);
    assertThat(kfd.processes(41235))
        .hasValue(
            List.of(
                new ProcessMemory(77, OptionalLong.of(0)),
                new ProcessMemory(4242, OptionalLong.of(8589934592L))));
    assertThat(kfd.processes(8802))
        .hasValue(List.of(new ProcessMemory(4242, OptionalLong.of(1048576))));
    assertThat(kfd.processes(41236)).hasValue(List.of());
  }

  @Test
  void withoutKfdEverythingIsAbsent() {
    KfdTopology kfd = new KfdTopology(root);
    assertThat(kfd.gpuNodes()).isEmpty();
    assertThat(kfd.processes(41235)).isEmpty();
  }

  @Test
  void backendFillsArchitectureDriverAndProcesses() throws IOException {
    FakeSysfsTree.write(root);
    writeKfd();
    file(root.resolve("sys/module/amdgpu/version"), "6.10.5\n");
    try (GpuBackend backend =
        new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(root)).open(CLOCK)) {
      List<GpuDevice> devices = backend.devices();
      assertThat(devices)
          .extracting(GpuDevice::architecture)
          .containsExactly(Optional.of("gfx942"), Optional.of("gfx1100"), Optional.empty());
      assertThat(devices).extracting(GpuDevice::driverVersion).containsOnly(Optional.of("6.10.5"));
      TelemetrySample s0 = backend.sample(devices.get(0));
      assertThat(s0.processes())
          .hasValue(
              List.of(
                  new ProcessMemory(77, OptionalLong.of(0)),
                  new ProcessMemory(4242, OptionalLong.of(8589934592L))));
      assertThat(backend.sample(devices.get(1)).processes())
          .hasValue(List.of(new ProcessMemory(4242, OptionalLong.of(1048576))));
      // card10 has no PCI address, so no KFD node: no process list.
      assertThat(backend.sample(devices.get(2)).processes()).isEmpty();
    }
  }

  @Test
  void inTreeDriverHasNoVersionFile() throws IOException {
    FakeSysfsTree.write(root);
    file(root.resolve("sys/module/amdgpu/parameters/ppfeaturemask"), "0xfff7bfff\n");
    try (GpuBackend backend =
        new AmdgpuSysfsBackendProvider(() -> new AmdgpuSysfs(root)).open(CLOCK)) {
      assertThat(backend.devices())
          .extracting(GpuDevice::driverVersion)
          .containsOnly(Optional.empty());
      assertThat(backend.devices())
          .extracting(GpuDevice::architecture)
          .containsOnly(Optional.empty());
    }
  }
}
