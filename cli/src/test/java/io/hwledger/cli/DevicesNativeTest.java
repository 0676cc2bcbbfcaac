package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwledger devices --json} through the real backends: NVML and ROCm SMI over JNA against the
 * gcc-built fake libraries of spi-nvidia and spi-rocm, and the amdgpu sysfs reader on a tree
 * written here. Expected values are the fakes' scripted values (fake_nvml.c, fake_rocm_smi.c).
 */
@Verifies({"FR-CLI-004", "FR-TELEMETRY-002", "FR-TELEMETRY-004", "FR-TELEMETRY-005"})
class DevicesNativeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static String devicesJson(String backend) throws Exception {
    Cli.Result r = Cli.run("devices", "--backend", backend, "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return MAPPER.writeValueAsString(MAPPER.readTree(r.out()).get("devices"));
  }

  /**
   * The library path Surefire passes (cli/pom.xml) before any backend loads: the lookup happens
   * once per JVM, as in production.
   */
  private static void useLibrary(String property) {
    String path = System.getProperty(property, "");
    assumeTrue(Files.exists(Path.of(path)), "fake library " + path + " is built by the reactor");
  }

  @Test
  void nvmlThroughTheFakeLibrary() throws Exception {
    useLibrary("hwledger.nvml.library");
    // fake_nvml.c: H100 total 85,520,809,984, reserved 566,231,040, used 10,737,418,240 (free =
    // total - reserved - used), 87 %, 64 °C, 312,500 mW; A100 40 GB total 42,949,672,960,
    // reserved 419,430,400, used 0, 0 %, 34 °C, 54,321 mW
    assertThat(devicesJson("nvml"))
        .isEqualTo(
            "[{\"backend\":\"nvml\",\"index\":0,\"uuid\":\"GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f\","
                + "\"name\":\"NVIDIA H100 80GB HBM3\",\"vendor\":\"nvidia\",\"integrated\":false,\"memory\":{\"totalBytes\":85520809984,"
                + "\"usedBytes\":10737418240,\"freeBytes\":74217160704},\"utilizationPercent\":87.0,"
                + "\"temperatureC\":64.0,\"powerWatts\":312.5},"
                + "{\"backend\":\"nvml\",\"index\":1,\"uuid\":\"GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d\","
                + "\"name\":\"NVIDIA A100-SXM4-40GB\",\"vendor\":\"nvidia\",\"integrated\":false,\"memory\":{\"totalBytes\":42949672960,"
                + "\"usedBytes\":0,\"freeBytes\":42530242560},\"utilizationPercent\":0.0,"
                + "\"temperatureC\":34.0,\"powerWatts\":54.321}]");
  }

  @Test
  void rocmSmiThroughTheFakeLibrary() throws Exception {
    useLibrary("hwledger.rocm.library");
    // fake_rocm_smi.c: MI300X unique id 0x1234abcd5678ef00, VRAM 206,158,430,208 / used
    // 1,073,741,824, busy 37 %, edge 45,000 m°C, 350,000,000 µW; RX 7900 XT has no unique id
    // (PCI 0001:03:00.1), VRAM 21,458,059,264 / used 27,856,896, no busy, junction 61,500 m°C
    // only, no power
    assertThat(devicesJson("rocm-smi-lib"))
        .isEqualTo(
            "[{\"backend\":\"rocm-smi-lib\",\"index\":0,\"uuid\":\"0x1234abcd5678ef00\","
                + "\"name\":\"AMD Instinct MI300X\",\"vendor\":\"amd\",\"integrated\":false,\"memory\":{\"totalBytes\":206158430208,"
                + "\"usedBytes\":1073741824,\"freeBytes\":205084688384},\"utilizationPercent\":37.0,"
                + "\"temperatureC\":45.0,\"powerWatts\":350.0},"
                + "{\"backend\":\"rocm-smi-lib\",\"index\":1,\"uuid\":\"0001:03:00.1\","
                + "\"name\":\"Radeon RX 7900 XT\",\"vendor\":\"amd\",\"integrated\":false,\"memory\":{\"totalBytes\":21458059264,"
                + "\"usedBytes\":27856896,\"freeBytes\":21430202368},\"utilizationPercent\":null,"
                + "\"temperatureC\":61.5,\"powerWatts\":null}]");
  }

  @Test
  void amdgpuSysfsOnAFakeTree() throws Exception {
    Path device = Files.createDirectories(tmp.resolve("sys/class/drm/card0/device"));
    Files.writeString(device.resolve("vendor"), "0x1002\n");
    Files.writeString(device.resolve("mem_info_vram_total"), "25753026560\n");
    Files.writeString(device.resolve("mem_info_vram_used"), "1234567168\n");
    Files.writeString(device.resolve("gpu_busy_percent"), "12\n");
    Files.writeString(device.resolve("unique_id"), "aabbccdd11223344\n");
    Files.writeString(device.resolve("product_name"), "AMD Radeon RX 7900 XTX\n");
    Path hwmon = Files.createDirectories(device.resolve("hwmon/hwmon3"));
    Files.writeString(hwmon.resolve("temp1_input"), "47000\n"); // millidegrees
    Files.writeString(hwmon.resolve("power1_average"), "123000000\n"); // microwatts
    String previous = System.getProperty("hwledger.sysfs.root");
    System.setProperty("hwledger.sysfs.root", tmp.toString());
    try {
      // the unique id as ROCm SMI spells it (AmdGpuIdentity), so both backends name the GPU alike
      assertThat(devicesJson("amdgpu-sysfs"))
          .isEqualTo(
              "[{\"backend\":\"amdgpu-sysfs\",\"index\":0,\"uuid\":\"0xaabbccdd11223344\","
                  + "\"name\":\"AMD Radeon RX 7900 XTX\",\"vendor\":\"amd\",\"integrated\":false,\"memory\":{\"totalBytes\":25753026560,"
                  + "\"usedBytes\":1234567168,\"freeBytes\":24518459392},"
                  + "\"utilizationPercent\":12.0,\"temperatureC\":47.0,\"powerWatts\":123.0}]");
    } finally {
      if (previous == null) {
        System.clearProperty("hwledger.sysfs.root");
      } else {
        System.setProperty("hwledger.sysfs.root", previous);
      }
    }
  }
}
