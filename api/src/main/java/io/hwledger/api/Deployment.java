package io.hwledger.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where and how a model runs.
 *
 * @param tensorParallel GPUs each layer is split across (TP degree)
 * @param pipelineParallel stages the layers are split into (PP degree); the deployment uses {@code
 *     tensorParallel · pipelineParallel} GPUs
 * @param engine the engine and its memory settings
 * @param mlaCache what multi-head latent attention layers cache
 * @param memoryPerGpuBytes the memory budget of each GPU, bytes, when a fit verdict is wanted
 * @param gpu the GPU model every rank runs on, when known: engines take defaults from it (vLLM's
 *     batch sizes, SGLang's memory tier) and the speed model its peaks
 */
public record Deployment(
    int tensorParallel,
    int pipelineParallel,
    Engine engine,
    MlaCacheLayout mlaCache,
    OptionalLong memoryPerGpuBytes,
    Optional<GpuSpec> gpu) {

  /**
   * Validates the arguments.
   *
   * @param tensorParallel TP degree, at least 1
   * @param pipelineParallel PP degree, at least 1
   * @param engine the engine
   * @param mlaCache the MLA cache layout
   * @param memoryPerGpuBytes the budget of each GPU in bytes, positive when present
   * @param gpu the GPU model, if known
   * @throws IllegalArgumentException if a degree or the budget is not positive
   */
  public Deployment {
    Checks.positive(tensorParallel, "tensorParallel");
    Checks.positive(pipelineParallel, "pipelineParallel");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(mlaCache, "mlaCache");
    Objects.requireNonNull(memoryPerGpuBytes, "memoryPerGpuBytes");
    memoryPerGpuBytes.ifPresent(b -> Checks.positive(b, "memoryPerGpuBytes"));
    Objects.requireNonNull(gpu, "gpu");
  }

  /**
   * One GPU, generic engine, latent MLA cache, no budget, no GPU model.
   *
   * @return the deployment to start from
   */
  public static Deployment singleGpu() {
    return new Deployment(
        1, 1, Engine.generic(), MlaCacheLayout.LATENT, OptionalLong.empty(), Optional.empty());
  }

  /**
   * GPUs this deployment uses: {@code tensorParallel · pipelineParallel}.
   *
   * @return GPUs used, at least 1
   * @throws ArithmeticException if the product overflows an {@code int}
   */
  public int gpuCount() {
    return Math.multiplyExact(tensorParallel, pipelineParallel);
  }

  /**
   * This deployment with tensor-parallel degree {@code n}.
   *
   * @param n GPUs each layer is split across, at least 1
   * @return a copy with the new degree
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public Deployment withTensorParallel(int n) {
    return new Deployment(n, pipelineParallel, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /**
   * This deployment with pipeline-parallel degree {@code n}.
   *
   * @param n pipeline stages, at least 1
   * @return a copy with the new degree
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public Deployment withPipelineParallel(int n) {
    return new Deployment(tensorParallel, n, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /**
   * This deployment on engine {@code engine}.
   *
   * @param engine the engine and its memory settings
   * @return a copy on that engine
   */
  public Deployment withEngine(Engine engine) {
    return new Deployment(
        tensorParallel, pipelineParallel, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /**
   * This deployment with MLA cache layout {@code layout}.
   *
   * @param layout what multi-head latent attention layers cache
   * @return a copy with that layout
   */
  public Deployment withMlaCache(MlaCacheLayout layout) {
    return new Deployment(tensorParallel, pipelineParallel, engine, layout, memoryPerGpuBytes, gpu);
  }

  /**
   * This deployment with a budget of {@code bytes} on every GPU (its GPU model, if any, kept).
   *
   * @param bytes memory budget of each GPU, bytes
   * @return a copy with that budget
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public Deployment withMemoryPerGpu(long bytes) {
    return new Deployment(
        tensorParallel, pipelineParallel, engine, mlaCache, OptionalLong.of(bytes), gpu);
  }

  /**
   * This deployment on GPUs of model {@code gpu}: the GPU, and its {@link
   * GpuSpec#memoryBudgetBytes()} as the budget of every GPU.
   *
   * @param gpu the GPU model every rank runs on
   * @return a copy on that GPU, with its budget
   */
  public Deployment onGpu(GpuSpec gpu) {
    Objects.requireNonNull(gpu, "gpu");
    return new Deployment(
        tensorParallel,
        pipelineParallel,
        engine,
        mlaCache,
        OptionalLong.of(gpu.memoryBudgetBytes()),
        Optional.of(gpu));
  }
}
