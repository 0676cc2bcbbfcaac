package io.hwledger.math;

/**
 * The fractions of a GPU's peak that {@link SpeedModel} assumes an engine reaches: memory bandwidth
 * in decode steps and dense throughput in matrix work. Each engine model names its pair ({@link
 * io.hwledger.math.engine.EngineModel#utilization()}).
 *
 * <p>The published pairs are the median ratios of measured to predicted speed over the calibration
 * rows of {@code core-math/src/test/resources/io/hwledger/math/speed/measurements.json} (see {@code
 * docs/adr/0009-speed-model.md}); {@code SpeedCalibrationTest} requires them to match that fit.
 *
 * @param memoryBandwidth fraction of peak memory bandwidth a decode step reaches (MBU), in (0, 1]
 * @param modelFlops fraction of dense peak throughput matrix work reaches (MFU), in (0, 1]
 */
public record Utilization(double memoryBandwidth, double modelFlops) {

  /**
   * llama.cpp: MBU from 10 batch-1 decode rows (RTX 4090, M2 Ultra; Llama 2 7B, Llama 3 8B; f16,
   * q8_0, q4_0), MFU from 3 RTX 4090 f16 prompt-processing rows.
   */
  public static final Utilization LLAMA_CPP = new Utilization(0.68, 0.80);

  /**
   * Data-centre serving engines (TensorRT-LLM, vLLM, SGLang): MBU from a batch-1 decode row of
   * NVIDIA NIM (Llama 3.3 70B fp8, TP 2 on H100 SXM), MFU from TensorRT-LLM's batch-1 time to first
   * token of a 2048-token prompt (Llama 2 7B, fp8 on H100 SXM and f16 on A100 SXM).
   */
  public static final Utilization SERVING = new Utilization(0.65, 0.53);

  /**
   * Validates the arguments.
   *
   * @param memoryBandwidth MBU, in (0, 1]
   * @param modelFlops MFU, in (0, 1]
   * @throws IllegalArgumentException if either is outside (0, 1] or NaN
   */
  public Utilization {
    check(memoryBandwidth, "memoryBandwidth");
    check(modelFlops, "modelFlops");
  }

  private static void check(double value, String name) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " utilisation must be in (0, 1], was " + value);
    }
  }
}
