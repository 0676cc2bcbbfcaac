package io.hwledger.math;

import io.hwledger.api.DType;
import java.util.Objects;

/**
 * The fractions of a GPU's peak that {@link SpeedModel} assumes an engine reaches, and the fixed
 * time each layer adds to a forward pass. Each engine model names its set ({@link
 * io.hwledger.math.engine.EngineModel#utilization(io.hwledger.api.GpuSpec)}).
 *
 * <p>Fractions come in two pairs: one for 16-bit (and wider) weights, one for compressed weights
 * ({@link DType#isQuantized()}: ggml block types, int4, fp8), whose kernels dequantise as they read
 * and reach a different share of the GPU's bandwidth and throughput. The per-layer time is the part
 * of a pass that does not shrink with the bytes or operations: a layer runs a fixed number of
 * kernels (norms, projections, rotary, attention, residual adds), each with a launch or dispatch
 * latency of microseconds, which dominates a small model on fast memory.
 *
 * <p>The published sets are fitted on the calibration rows of {@code
 * core-math/src/test/resources/io/hwledger/math/speed/measurements.json} (see {@code
 * docs/adr/0009-speed-model.md}); {@code SpeedCalibrationTest} requires them to match that fit.
 *
 * @param memoryBandwidth fraction of peak memory bandwidth a pass reaches with 16-bit weights
 *     (MBU), in (0, 1]
 * @param modelFlops fraction of dense peak throughput matrix work reaches with 16-bit weights
 *     (MFU), in (0, 1]
 * @param quantizedMemoryBandwidth MBU with compressed weights, in (0, 1]
 * @param quantizedModelFlops MFU with compressed weights, in (0, 1]
 * @param layerSeconds fixed time each layer adds to every forward pass, seconds, at least 0
 * @param fp16Accumulate whether the engine's matrix kernels take fp16 inputs and accumulate in
 *     fp16, so that 16-bit and dequantised work runs at the GPU's {@value #FP16_ACCUMULATE_PEAK}
 *     peak where the catalog publishes one (GeForce parts, whose {@code fp16} figure accumulates in
 *     fp32 at half that rate), else at its {@code fp16} peak; otherwise the larger of the {@code
 *     bf16} and {@code fp16} peaks
 */
public record Utilization(
    double memoryBandwidth,
    double modelFlops,
    double quantizedMemoryBandwidth,
    double quantizedModelFlops,
    double layerSeconds,
    boolean fp16Accumulate) {

  /**
   * The {@code denseTflops} key of the catalog's dense fp16 peak with fp16 accumulation, published
   * only where it differs from {@code fp16} (GeForce parts).
   */
  public static final String FP16_ACCUMULATE_PEAK = "fp16acc16";

  /**
   * llama.cpp's CUDA backend (and every non-Apple GPU): MBU 0.82 (16-bit) and 0.69
   * (block-quantised) from 21 batch-1 decode rows on an RTX 4090 and an M2 Ultra; MFU 0.41 and 0.31
   * of the fp16-accumulate peak (llama.cpp's cuBLAS path computes in {@code CUBLAS_COMPUTE_16F})
   * from 6 RTX 4090 prompt-processing rows; 30 µs per layer and pass.
   */
  public static final Utilization LLAMA_CPP = new Utilization(0.82, 0.41, 0.69, 0.31, 30e-6, true);

  /**
   * llama.cpp's Metal backend (Apple GPUs), also used for MLX: the fractions of {@link #LLAMA_CPP}
   * (fitted on both backends' rows together) and 130 µs per layer and pass, fitted on the M2 Ultra
   * rows.
   */
  public static final Utilization LLAMA_CPP_METAL =
      new Utilization(0.82, 0.41, 0.69, 0.31, 130e-6, true);

  /**
   * Data-centre serving engines (TensorRT-LLM, vLLM, SGLang): MBU from a batch-1 decode row of
   * NVIDIA NIM (Llama 3.3 70B fp8, TP 2 on H100 SXM), MFU from TensorRT-LLM's batch-1 time to first
   * token of a 2048-token prompt (Llama 2 7B, fp8 on H100 SXM and f16 on A100 SXM). One pair for
   * every weight format and no per-layer time: the calibration rows are too few to separate them.
   */
  public static final Utilization SERVING = new Utilization(0.65, 0.53);

  /**
   * Validates the arguments.
   *
   * @param memoryBandwidth MBU with 16-bit weights, in (0, 1]
   * @param modelFlops MFU with 16-bit weights, in (0, 1]
   * @param quantizedMemoryBandwidth MBU with compressed weights, in (0, 1]
   * @param quantizedModelFlops MFU with compressed weights, in (0, 1]
   * @param layerSeconds fixed seconds per layer and pass, at least 0 and finite
   * @param fp16Accumulate whether matrix work runs at the fp16-accumulate peak
   * @throws IllegalArgumentException if a fraction is outside (0, 1] or NaN, or the per-layer time
   *     is negative, infinite or NaN
   */
  public Utilization {
    check(memoryBandwidth, "memoryBandwidth");
    check(modelFlops, "modelFlops");
    check(quantizedMemoryBandwidth, "quantizedMemoryBandwidth");
    check(quantizedModelFlops, "quantizedModelFlops");
    if (!(layerSeconds >= 0 && layerSeconds < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "layerSeconds must be finite and at least 0, was " + layerSeconds);
    }
  }

  /**
   * A set whose matrix work runs at the larger of the GPU's {@code bf16} and {@code fp16} peaks.
   *
   * @param memoryBandwidth MBU with 16-bit weights, in (0, 1]
   * @param modelFlops MFU with 16-bit weights, in (0, 1]
   * @param quantizedMemoryBandwidth MBU with compressed weights, in (0, 1]
   * @param quantizedModelFlops MFU with compressed weights, in (0, 1]
   * @param layerSeconds fixed seconds per layer and pass, at least 0 and finite
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Utilization(
      double memoryBandwidth,
      double modelFlops,
      double quantizedMemoryBandwidth,
      double quantizedModelFlops,
      double layerSeconds) {
    this(
        memoryBandwidth,
        modelFlops,
        quantizedMemoryBandwidth,
        quantizedModelFlops,
        layerSeconds,
        false);
  }

  /**
   * One pair for every weight format and no per-layer time.
   *
   * @param memoryBandwidth MBU, in (0, 1]
   * @param modelFlops MFU, in (0, 1]
   * @throws IllegalArgumentException if either is outside (0, 1] or NaN
   */
  public Utilization(double memoryBandwidth, double modelFlops) {
    this(memoryBandwidth, modelFlops, memoryBandwidth, modelFlops, 0, false);
  }

  /**
   * The MBU a pass over weights of {@code weights} reaches.
   *
   * @param weights the weights' dtype
   * @return {@link #quantizedMemoryBandwidth()} for a compressed dtype, else {@link
   *     #memoryBandwidth()}
   */
  public double memoryBandwidth(DType weights) {
    Objects.requireNonNull(weights, "weights");
    return weights.isQuantized() ? quantizedMemoryBandwidth : memoryBandwidth;
  }

  /**
   * The MFU matrix work over weights of {@code weights} reaches.
   *
   * @param weights the weights' dtype
   * @return {@link #quantizedModelFlops()} for a compressed dtype, else {@link #modelFlops()}
   */
  public double modelFlops(DType weights) {
    Objects.requireNonNull(weights, "weights");
    return weights.isQuantized() ? quantizedModelFlops : modelFlops;
  }

  private static void check(double value, String name) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " utilisation must be in (0, 1], was " + value);
    }
  }
}
