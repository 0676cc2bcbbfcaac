package io.hwledger.fleet.ssh;

import static io.hwledger.fleet.ssh.ProbeFindings.boxed;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.rocm.AmdGpuIdentity;
import io.hwledger.rocm.AmdToolReading;
import io.hwledger.rocm.KfdProperties;
import io.hwledger.rocm.RocmSmiJsonParser;
import io.hwledger.spi.HostDevices;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * AMD GPUs through ROCm SMI's CLI as JSON (spi-rocm's parser), with the identity the local AMD
 * backends give them ({@link AmdGpuIdentity}) and integrated GPUs (APUs) marked from the KFD
 * topology, as the local backends mark them.
 */
final class AmdProbe {

  private AmdProbe() {}

  static void read(RemoteShell shell, ProbeFindings found) throws SshFailure {
    String out = found.tool(shell, HostProbe.ROCM_SMI, "rocm-smi");
    if (out == null) {
      return;
    }
    List<AmdToolReading> readings;
    try {
      readings = RocmSmiJsonParser.parse(out);
    } catch (IOException e) {
      found.note("rocm-smi", e.getMessage());
      return;
    }
    if (readings.isEmpty()) {
      return;
    }
    Set<String> apus = apus(shell);
    for (AmdToolReading r : readings) {
      String uuid = AmdGpuIdentity.uuid(r.uniqueId(), r.pciBusId(), "rocm-smi-" + r.index());
      String pci = r.pciBusId().flatMap(HostDevices::pciAddress).orElse(null);
      OptionalLong total = r.vramTotalBytes();
      OptionalLong used = r.vramUsedBytes();
      Long free =
          total.isPresent() && used.isPresent()
              ? Math.max(0, total.getAsLong() - used.getAsLong())
              : null;
      found.add(
          new GpuInfo(
              r.index(),
              uuid,
              r.name().orElse("AMD GPU " + r.index()),
              "amd",
              "rocm-smi",
              pci,
              total.orElse(0),
              pci != null && apus.contains(pci)),
          new GpuSample(
              uuid,
              found.now,
              true,
              boxed(used),
              free,
              boxed(r.utilizationPercent()),
              boxed(r.temperatureC()),
              boxed(r.powerWatts()),
              null));
    }
  }

  /**
   * The PCI addresses of the host's APUs, from the KFD topology; empty when it cannot be read (a
   * host without amdkfd, or a failed read: the GPUs are then not marked, as locally).
   */
  private static Set<String> apus(RemoteShell shell) throws SshFailure {
    CommandOutput out = shell.run(HostProbe.KFD_NODES);
    Set<String> apus = new HashSet<>();
    if (out.exitStatus() != 0) {
      return apus;
    }
    try {
      for (KfdProperties.Node n : KfdProperties.parse(out.stdout())) {
        if (n.gpu() && n.apu()) {
          n.pciAddress().ifPresent(apus::add);
        }
      }
    } catch (IllegalArgumentException e) {
      return Set.of();
    }
    return apus;
  }
}
