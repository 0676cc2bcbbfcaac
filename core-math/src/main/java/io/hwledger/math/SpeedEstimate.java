package io.hwledger.math;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What {@link SpeedModel#estimate} predicts for one model, precision, deployment and GPU.
 *
 * @param gpu the GPU's catalog id
 * @param tensorParallel TP degree
 * @param pipelineParallel PP degree
 * @param promptTokens tokens of the prompt prefilled for the time to first token
 * @param contextTokens tokens every sequence holds in its cache while decoding
 * @param computeDtype the catalog key of the peak throughput used ({@code fp8}, {@code bf16},
 *     {@code fp16}, or {@code fp16acc16} for fp16 with fp16 accumulation, {@link
 *     Utilization#fp16Accumulate()}); empty when the catalog publishes none for this GPU
 * @param peakTeraFlops dense peak of {@code computeDtype} per GPU, tera-operations per second
 * @param memoryBandwidthBytesPerSecond peak memory bandwidth per GPU, bytes per second
 * @param memoryBandwidthUtilization fraction of the peak bandwidth decode reaches (MBU)
 * @param modelFlopsUtilization fraction of the peak throughput matrix work reaches (MFU)
 * @param layerSeconds fixed time each layer adds to every pass (launch and dispatch latency),
 *     seconds
 * @param interconnect the link between ranks, used when TP or PP exceeds 1
 * @param prefillSeconds time to prefill the prompt of one sequence, which is the time to first
 *     token, seconds; empty when the GPU has no published throughput
 * @param decode one row per requested batch size, in request order
 */
public record SpeedEstimate(
    String gpu,
    int tensorParallel,
    int pipelineParallel,
    long promptTokens,
    long contextTokens,
    Optional<String> computeDtype,
    OptionalDouble peakTeraFlops,
    double memoryBandwidthBytesPerSecond,
    double memoryBandwidthUtilization,
    double modelFlopsUtilization,
    double layerSeconds,
    Interconnect interconnect,
    OptionalDouble prefillSeconds,
    List<DecodeRate> decode) {

  /**
   * Checks that no argument is null and copies {@code decode}.
   *
   * @param gpu the GPU's catalog id
   * @param tensorParallel TP degree
   * @param pipelineParallel PP degree
   * @param promptTokens tokens of the timed prompt
   * @param contextTokens tokens each decoding sequence caches
   * @param computeDtype the dtype whose peak was used; empty when the GPU publishes none
   * @param peakTeraFlops dense peak per GPU, tera-operations per second; empty when unpublished
   * @param memoryBandwidthBytesPerSecond peak memory bandwidth per GPU, bytes per second
   * @param memoryBandwidthUtilization MBU, a fraction
   * @param modelFlopsUtilization MFU, a fraction
   * @param layerSeconds fixed seconds per layer and pass
   * @param interconnect the link between ranks
   * @param prefillSeconds time to first token, seconds; empty without a published peak
   * @param decode one row per batch size
   */
  public SpeedEstimate {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(computeDtype, "computeDtype");
    Objects.requireNonNull(peakTeraFlops, "peakTeraFlops");
    Objects.requireNonNull(interconnect, "interconnect");
    Objects.requireNonNull(prefillSeconds, "prefillSeconds");
    decode = List.copyOf(decode);
  }

  /**
   * GPUs the deployment uses.
   *
   * @return {@code tensorParallel · pipelineParallel}
   */
  public int gpuCount() {
    return tensorParallel * pipelineParallel;
  }
}
