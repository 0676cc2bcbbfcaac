package io.hwledger.fleet.ssh;

import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.HostFacts;
import java.util.List;
import java.util.Objects;

/**
 * One poll of a host: what an agent on it would report, in the fleet protocol's own records.
 *
 * @param host the host's name, OS, architecture, CPUs and memory
 * @param gpus every GPU found, of every vendor, each once
 * @param samples one reading per GPU in {@code gpus}
 * @param notes why a vendor's tool gave nothing although present (e.g. its driver is not loaded),
 *     one escaped line each; a tool that is not installed is not a note
 */
public record ProbeResult(
    HostFacts host, List<GpuInfo> gpus, List<GpuSample> samples, List<String> notes) {

  /**
   * Copies the lists.
   *
   * @param host the host's facts
   * @param gpus the GPUs
   * @param samples their readings
   * @param notes the tools' problems
   */
  public ProbeResult {
    Objects.requireNonNull(host, "host");
    gpus = List.copyOf(gpus);
    samples = List.copyOf(samples);
    notes = List.copyOf(notes);
  }
}
