package io.hwledger.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Published specifications of a GPU model.
 *
 * @param id catalog identifier, e.g. {@code h100-sxm-80gb}
 * @param name marketing name
 * @param vendor {@code NVIDIA}, {@code AMD} or {@code Apple}
 * @param memoryBytes device memory (unified memory for Apple silicon), bytes
 * @param memoryBandwidthBytesPerSecond peak memory bandwidth, bytes per second, where published
 * @param unifiedMemory whether CPU and GPU share the memory
 * @param workingSetBytes the default GPU working-set limit where the GPU may use only part of
 *     unified memory (Metal's {@code recommendedMaxWorkingSetSize}); empty when the whole memory is
 *     the GPU's
 * @param denseTeraFlops dense (no structured sparsity) peak tera-operations per second by dtype
 *     name ({@code fp32}, {@code tf32}, {@code fp16}, {@code bf16}, {@code fp8}, {@code int8},
 *     {@code fp4}; {@code fp16acc16} for fp16 with fp16 accumulation where a GeForce card runs it
 *     faster than {@code fp16}); a dtype the GPU lacks is absent
 * @param sources where the figures come from
 * @param cudaTotalBytes the device total the CUDA (or HIP) runtime reports ({@code cudaMemGetInfo},
 *     {@code torch.cuda.mem_get_info()[1]}), bytes: a few hundred MiB under nvidia-smi's {@link
 *     #memoryBytes()} on NVIDIA GPUs; engines that budget from it (vLLM, SGLang's pool,
 *     TensorRT-LLM) take it instead; empty where unknown or where there is no such runtime (Apple)
 */
public record GpuSpec(
    String id,
    String name,
    String vendor,
    long memoryBytes,
    OptionalLong memoryBandwidthBytesPerSecond,
    boolean unifiedMemory,
    OptionalLong workingSetBytes,
    Map<String, Double> denseTeraFlops,
    List<String> sources,
    OptionalLong cudaTotalBytes) {

  /**
   * Validates and copies the arguments.
   *
   * @param id catalog identifier
   * @param name marketing name
   * @param vendor the vendor
   * @param memoryBytes device memory, bytes, at least 1
   * @param memoryBandwidthBytesPerSecond peak bandwidth, bytes per second, positive when present
   * @param unifiedMemory whether CPU and GPU share the memory
   * @param workingSetBytes the GPU working-set limit, bytes, positive when present
   * @param denseTeraFlops dense peak tera-operations per second by dtype name; copied
   * @param sources where the figures come from; copied
   * @param cudaTotalBytes the CUDA-visible total, bytes, in (0, memoryBytes] when present
   * @throws IllegalArgumentException if a byte count or the bandwidth is not positive, or the
   *     CUDA-visible total exceeds the device memory
   */
  public GpuSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(vendor, "vendor");
    Checks.positive(memoryBytes, "memoryBytes");
    Objects.requireNonNull(memoryBandwidthBytesPerSecond, "memoryBandwidthBytesPerSecond");
    memoryBandwidthBytesPerSecond.ifPresent(
        b -> Checks.positive(b, "memoryBandwidthBytesPerSecond"));
    Objects.requireNonNull(workingSetBytes, "workingSetBytes");
    workingSetBytes.ifPresent(b -> Checks.positive(b, "workingSetBytes"));
    denseTeraFlops = Map.copyOf(denseTeraFlops);
    sources = List.copyOf(sources);
    Objects.requireNonNull(cudaTotalBytes, "cudaTotalBytes");
    cudaTotalBytes.ifPresent(b -> Checks.positive(b, "cudaTotalBytes"));
    if (cudaTotalBytes.isPresent() && cudaTotalBytes.getAsLong() > memoryBytes) {
      throw new IllegalArgumentException(
          "cudaTotalBytes " + cudaTotalBytes.getAsLong() + " exceeds memoryBytes " + memoryBytes);
    }
  }

  /**
   * A specification without a CUDA-visible total (as before it was catalogued).
   *
   * @param id catalog identifier
   * @param name marketing name
   * @param vendor the vendor
   * @param memoryBytes device memory, bytes, at least 1
   * @param memoryBandwidthBytesPerSecond peak bandwidth, bytes per second, positive when present
   * @param unifiedMemory whether CPU and GPU share the memory
   * @param workingSetBytes the GPU working-set limit, bytes, positive when present
   * @param denseTeraFlops dense peak tera-operations per second by dtype name; copied
   * @param sources where the figures come from; copied
   * @throws IllegalArgumentException if a byte count or the bandwidth is not positive
   */
  public GpuSpec(
      String id,
      String name,
      String vendor,
      long memoryBytes,
      OptionalLong memoryBandwidthBytesPerSecond,
      boolean unifiedMemory,
      OptionalLong workingSetBytes,
      Map<String, Double> denseTeraFlops,
      List<String> sources) {
    this(
        id,
        name,
        vendor,
        memoryBytes,
        memoryBandwidthBytesPerSecond,
        unifiedMemory,
        workingSetBytes,
        denseTeraFlops,
        sources,
        OptionalLong.empty());
  }

  /**
   * The device total an engine reads from the CUDA (or HIP) runtime: {@link #cudaTotalBytes()}
   * where known, otherwise {@link #memoryBudgetBytes()}.
   *
   * @return bytes
   */
  public long runtimeTotalBytes() {
    return cudaTotalBytes.orElse(memoryBudgetBytes());
  }

  /**
   * Bytes a model may occupy on this GPU: the working-set limit where there is one (Apple silicon),
   * otherwise the whole device memory.
   *
   * @return the budget, bytes
   */
  public long memoryBudgetBytes() {
    return workingSetBytes.orElse(memoryBytes);
  }

  /**
   * Dense peak tera-operations per second for {@code dtype}, if published.
   *
   * @param dtype a key of {@link #denseTeraFlops()}, e.g. {@code bf16} or {@code fp8}
   * @return the peak in 10^12 operations per second, or empty if the GPU lacks the dtype
   */
  public OptionalDouble denseTeraFlops(String dtype) {
    Double value = denseTeraFlops.get(dtype);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
