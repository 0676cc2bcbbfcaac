package io.hwledger.fleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.ssh.fixtures.RecordedHosts;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe against recorded outputs: the fixtures the telemetry parsers are tested with (their
 * sources are in each fixture folder's README), replayed by command line.
 */
@Verifies("FR-FLEET-043")
class HostProbeTest {
  private static final Path NVIDIA = RecordedHosts.NVIDIA_SMI;
  private static final Path ROCM = RecordedHosts.ROCM;
  private static final Path METAL = Path.of("../spi-metal/src/test/resources/io/hwledger/metal");
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  /** Answers from a table; an unknown command as a POSIX shell does (127). */
  static final class Replies implements RemoteShell {
    final Map<String, CommandOutput> table = new HashMap<>();
    final List<String> ran = new ArrayList<>();

    Replies linux(String hostname) {
      answer(HostProbe.UNAME, RecordedHosts.uname(hostname));
      answer(HostProbe.CPUS, RecordedHosts.CPUS);
      answer(HostProbe.LINUX_MEMORY, RecordedHosts.MEMINFO);
      return this;
    }

    Replies answer(String command, String stdout) {
      table.put(command, new CommandOutput(0, stdout, ""));
      return this;
    }

    Replies fail(String command, int status, String stdout, String stderr) {
      table.put(command, new CommandOutput(status, stdout, stderr));
      return this;
    }

    @Override
    public CommandOutput run(String command) {
      ran.add(command);
      return table.getOrDefault(
          command, new CommandOutput(127, "", "sh: 1: " + command.split(" ")[0] + ": not found\n"));
    }
  }

  private static String fixture(Path dir, String name) {
    return RecordedHosts.read(dir.resolve(name));
  }

  private static HostProbe probe() {
    return new HostProbe(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void nvidiaHostListsEveryGpuWithItsReading() throws Exception {
    Replies host =
        new Replies()
            .linux("gpu-7")
            .answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "h100-a100.csv"));

    ProbeResult r = probe().probe(host);

    assertThat(r.host().hostname()).isEqualTo("gpu-7");
    assertThat(r.host().os()).isEqualTo("linux");
    assertThat(r.host().arch()).isEqualTo("x86_64");
    assertThat(r.host().cpus()).isEqualTo(64);
    assertThat(r.host().memoryBytes()).isEqualTo(528_282_624L * 1024); // kB × 1024
    assertThat(r.gpus())
        .extracting(GpuInfo::uuid, GpuInfo::name, GpuInfo::vendor, GpuInfo::totalBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f",
                "NVIDIA H100 80GB HBM3",
                "nvidia",
                85_520_809_984L), // 81,559 MiB × 1,048,576
            org.assertj.core.groups.Tuple.tuple(
                "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
                "NVIDIA A100-SXM4-40GB",
                "nvidia",
                42_949_672_960L)); // 40,960 MiB
    GpuSample h100 = r.samples().get(0);
    assertThat(h100.atMillis()).isEqualTo(NOW.toEpochMilli());
    assertThat(h100.usedBytes()).isEqualTo(10_737_418_240L); // 10,240 MiB
    assertThat(h100.freeBytes()).isEqualTo(74_216_112_128L); // 70,778 MiB
    assertThat(h100.utilizationPercent()).isEqualTo(87.0);
    assertThat(h100.temperatureC()).isEqualTo(64.0);
    assertThat(h100.powerWatts()).isEqualTo(312.5);
    assertThat(r.notes()).isEmpty();
    assertThat(host.ran).allSatisfy(c -> assertThat(HostProbe.commands()).contains(c));
  }

  @Test
  void anAmdIntegratedGpuDoesNotHideTheNvidiaCardNextToIt() throws Exception {
    Replies host =
        new Replies()
            .linux("mixed")
            .answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "geforce-power-na.csv"))
            .answer(HostProbe.ROCM_SMI, fixture(ROCM, "rocm-smi-6.2-phoenix.json"));

    ProbeResult r = probe().probe(host);

    assertThat(r.gpus())
        .extracting(GpuInfo::vendor, GpuInfo::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nvidia", "NVIDIA GeForce GTX 1660 Ti"),
            org.assertj.core.groups.Tuple.tuple("amd", "Phoenix3"));
    GpuInfo amd = r.gpus().get(1);
    assertThat(amd.busId()).isEqualTo("0000:c4:00.0");
    assertThat(r.samples().get(1).utilizationPercent()).isEqualTo(19.0);
    assertThat(r.samples().get(1).powerWatts()).isEqualTo(7.222);
    assertThat(r.samples().get(0).powerWatts()).isNull(); // [N/A] is absent, not 0
  }

  @Test
  void aDriverInstalledLaterIsFoundOnTheNextPoll() throws Exception {
    Replies host =
        new Replies()
            .linux("late")
            .fail(HostProbe.NVIDIA_GPUS, 9, fixture(NVIDIA, "driver-not-loaded.txt"), "");
    HostProbe probe = probe();

    ProbeResult before = probe.probe(host);
    assertThat(before.gpus()).isEmpty();
    assertThat(before.notes())
        .containsExactly(
            "nvidia-smi: exited 9: NVIDIA-SMI has failed because it couldn't communicate with the"
                + " NVIDIA driver. Make sure that the latest NVIDIA driver is installed and"
                + " running.");

    host.answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "h100-a100.csv"));
    ProbeResult after = probe.probe(host);
    assertThat(after.gpus()).hasSize(2);
    assertThat(after.notes()).isEmpty();
  }

  @Test
  void aToolThatIsNotInstalledIsNoNoteAndNoGpu() throws Exception {
    ProbeResult r = probe().probe(new Replies().linux("cpu-only"));

    assertThat(r.gpus()).isEmpty();
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void unreadableToolOutputIsANoteAndTheOtherVendorStillCounts() throws Exception {
    Replies host =
        new Replies()
            .linux("broken")
            .answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "truncated.csv"))
            .answer(HostProbe.ROCM_SMI, fixture(ROCM, "rocm-smi-6.4-rx7900xt.json"));

    ProbeResult r = probe().probe(host);

    assertThat(r.gpus()).extracting(GpuInfo::vendor).containsExactly("amd");
    assertThat(r.notes()).singleElement().asString().startsWith("nvidia-smi: nvidia-smi output");
  }

  @Test
  void remoteTextReachesNotesEscapedAndBounded() throws Exception {
    Replies host =
        new Replies()
            .linux("noisy")
            .fail(HostProbe.NVIDIA_GPUS, 2, "", "\u001b[31mboom\u0007" + "x".repeat(500));

    ProbeResult r = probe().probe(host);

    String note = r.notes().get(0);
    assertThat(note).startsWith("nvidia-smi: exited 2: \\x1b[31mboom\\x07xxx");
    assertThat(note).doesNotContain("\u001b", "\u0007");
    assertThat(note.length()).isLessThan(260);
  }

  @Test
  void anUnsupportedOsOrMissingFactsFailTheProbeInOneLine() {
    Replies bsd = new Replies().answer(HostProbe.UNAME, "FreeBSD box amd64\n");
    assertThatThrownBy(() -> probe().probe(bsd))
        .isInstanceOf(SshFailure.class)
        .hasMessage("\"uname -s -n -m\" OS FreeBSD is not supported (Linux, macOS)")
        .extracting(e -> ((SshFailure) e).kind())
        .isEqualTo(SshFailure.Kind.COMMAND);

    Replies noMemory = new Replies().linux("x").answer(HostProbe.LINUX_MEMORY, "MemFree: 1 kB\n");
    assertThatThrownBy(() -> probe().probe(noMemory))
        .isInstanceOf(SshFailure.class)
        .hasMessage("\"grep MemTotal /proc/meminfo\" printed no \"MemTotal: N kB\" line");
  }

  @Test
  void anApuIsMarkedIntegratedFromTheKfdTopologyNextToTheNvidiaCard() throws Exception {
    // The KFD node of the recording's Phoenix APU, written out: gfx1103 is an APU in LLVM's
    // processor table (gfx_target_version 11·10000 + 0·100 + 3), location_id 0xc400 = 50,176 is
    // bus 0xc4, device 0, function 0 — the recording's "PCI Bus": "0000:C4:00.0".
    String node = "/sys/class/kfd/kfd/topology/nodes/1/properties:";
    String kfd =
        node
            + "cpu_cores_count 0\n"
            + node
            + "simd_count 24\n"
            + node
            + "location_id 50176\n"
            + node
            + "domain 0\n"
            + node
            + "gfx_target_version 110003\n";
    Replies host =
        new Replies()
            .linux("mixed")
            .answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "geforce-power-na.csv"))
            .answer(HostProbe.ROCM_SMI, fixture(ROCM, "rocm-smi-6.2-phoenix.json"))
            .answer(HostProbe.KFD_NODES, kfd);

    ProbeResult r = probe().probe(host);

    assertThat(r.gpus())
        .extracting(GpuInfo::vendor, GpuInfo::integrated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nvidia", false),
            org.assertj.core.groups.Tuple.tuple("amd", true));
    // no unique id ("N/A"): the identity is the PCI address, as the local AMD backends give it
    assertThat(r.gpus().get(1).uuid()).isEqualTo("0000:c4:00.0");
  }

  @Test
  void computeProcessesAreReadPerGpu() throws Exception {
    Replies host =
        new Replies()
            .linux("busy")
            .answer(HostProbe.NVIDIA_GPUS, fixture(NVIDIA, "h100-a100.csv"))
            .answer(
                HostProbe.NVIDIA_PROCESSES,
                "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f, 4242, 10200\n");

    ProbeResult r = probe().probe(host);

    assertThat(r.samples().get(0).processes())
        .containsExactly(new io.hwledger.fleet.protocol.ProcessUsage(4242, 10_695_475_200L));
    assertThat(r.samples().get(1).processes()).isEmpty(); // 10,200 MiB above; none on the A100
  }

  @Test
  void aMacListsItsAppleGpuWithTheUnifiedMemory() throws Exception {
    Replies mac =
        new Replies()
            .answer(HostProbe.UNAME, "Darwin studio.local arm64\n")
            .answer(HostProbe.CPUS, "8\n")
            .answer(HostProbe.MAC_MEMORY, "17179869184\n") // 16 GiB
            .answer(HostProbe.MAC_GPUS, fixture(METAL, "system-profiler-m1.json"))
            .answer(HostProbe.MAC_PLATFORM, fixture(METAL, "ioreg-platform-expert-vm-redacted.txt"))
            .answer(HostProbe.MAC_ACCELERATORS, fixture(METAL, "ioreg-m4.txt"));

    ProbeResult r = probe().probe(mac);

    assertThat(r.host().os()).isEqualTo("macos");
    assertThat(r.host().memoryBytes()).isEqualTo(17_179_869_184L);
    GpuInfo gpu = r.gpus().get(0);
    assertThat(gpu.name()).isEqualTo("Apple M1");
    assertThat(gpu.vendor()).isEqualTo("apple");
    assertThat(gpu.integrated()).isTrue();
    assertThat(gpu.totalBytes()).isEqualTo(17_179_869_184L);
    // the recording's platform UUID is redacted, so the local backends' fallback name
    assertThat(gpu.uuid()).isEqualTo("apple-gpu-0");
    GpuSample s = r.samples().get(0);
    assertThat(s.utilizationPercent()).isEqualTo(30.0); // "Device Utilization %"=30
    assertThat(s.usedBytes()).isEqualTo(356_089_856L); // "In use system memory"
    assertThat(s.freeBytes()).isEqualTo(17_179_869_184L - 356_089_856L);
    assertThat(mac.ran).allSatisfy(c -> assertThat(HostProbe.commands()).contains(c));
  }
}
