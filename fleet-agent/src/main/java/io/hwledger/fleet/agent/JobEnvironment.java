package io.hwledger.fleet.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The GPU visibility variables a job runs with, so that it sees exactly the GPUs it was placed on,
 * in the order the server listed them.
 *
 * <p>Every variable that narrows visibility is first removed from what the agent passes on ({@link
 * #CLEARED}), so a value in the agent's own environment cannot narrow it again.
 *
 * <ul>
 *   <li>{@code nvidia}: {@code CUDA_VISIBLE_DEVICES} = the placed indexes, and {@code
 *       CUDA_DEVICE_ORDER=PCI_BUS_ID}. CUDA numbers devices fastest first unless told {@code
 *       PCI_BUS_ID}, while NVML (and so our telemetry, placement and nvidia-smi) numbers them by
 *       PCI bus id; the CUDA Programming Guide's "CUDA Environment Variables" appendix documents
 *       both variables. vLLM selects its workers' devices through {@code CUDA_VISIBLE_DEVICES} and
 *       warns on a host with mixed GPU models unless {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} ({@code
 *       vllm/platforms/cuda.py}).
 *   <li>{@code amd}: {@code ROCR_VISIBLE_DEVICES} = the placed indexes, and {@code
 *       HIP_VISIBLE_DEVICES} = {@code CUDA_VISIBLE_DEVICES} = {@code 0,1,…,n-1}. The ROCm runtime
 *       applies {@code ROCR_VISIBLE_DEVICES} first and HIP then picks among the devices it left,
 *       renumbered from 0 (ROCm "GPU isolation techniques"; PyTorch's {@code
 *       torch/cuda/__init__.py} {@code _parse_visible_devices}: "The ROCR env var is processed
 *       first which then reduces the number of GPUs that HIP can select from"), so the placed
 *       indexes in both would hide every GPU but a prefix. HIP reads {@code CUDA_VISIBLE_DEVICES}
 *       as an alias of {@code HIP_VISIBLE_DEVICES}, and vLLM on ROCm refuses to start when the two
 *       differ ({@code vllm/platforms/rocm.py}, {@code _sync_hip_cuda_env_vars}), so both get the
 *       same relative list. ROCm recommends {@code ROCR_VISIBLE_DEVICES} on Linux.
 * </ul>
 *
 * Other vendors have no visibility variable this agent knows, so their jobs are refused rather than
 * run with every GPU visible.
 */
final class JobEnvironment {

  /** Removed from the agent's environment before a job's own variables are set. */
  static final List<String> CLEARED =
      List.of(
          "CUDA_VISIBLE_DEVICES",
          "CUDA_DEVICE_ORDER",
          "HIP_VISIBLE_DEVICES",
          "ROCR_VISIBLE_DEVICES",
          "GPU_DEVICE_ORDINAL");

  private JobEnvironment() {}

  /**
   * The variables for a placement.
   *
   * @param vendor the assignment's vendor, {@code nvidia} or {@code amd} (any case)
   * @param indexes the placed GPUs' indexes, each at least 0
   * @return variable names to values, in a stable order
   * @throws IllegalArgumentException for another vendor or a negative index, naming it
   */
  static Map<String, String> visibility(String vendor, List<Integer> indexes) {
    for (int index : indexes) {
      if (index < 0) {
        throw new IllegalArgumentException("GPU index " + index + " is negative");
      }
    }
    String placed = indexes.stream().map(String::valueOf).collect(Collectors.joining(","));
    Map<String, String> env = new LinkedHashMap<>();
    switch (vendor.toLowerCase(Locale.ROOT)) {
      case "nvidia":
        env.put("CUDA_VISIBLE_DEVICES", placed);
        env.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
        return env;
      case "amd":
        String relative =
            IntStream.range(0, indexes.size())
                .mapToObj(String::valueOf)
                .collect(Collectors.joining(","));
        env.put("ROCR_VISIBLE_DEVICES", placed);
        env.put("HIP_VISIBLE_DEVICES", relative);
        env.put("CUDA_VISIBLE_DEVICES", relative);
        return env;
      default:
        throw new IllegalArgumentException(
            "vendor '" + vendor + "' has no GPU visibility variable this agent knows");
    }
  }
}
