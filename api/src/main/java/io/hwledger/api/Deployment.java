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

  /** Validates the arguments. */
  public Deployment {
    Checks.positive(tensorParallel, "tensorParallel");
    Checks.positive(pipelineParallel, "pipelineParallel");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(mlaCache, "mlaCache");
    Objects.requireNonNull(memoryPerGpuBytes, "memoryPerGpuBytes");
    memoryPerGpuBytes.ifPresent(b -> Checks.positive(b, "memoryPerGpuBytes"));
    Objects.requireNonNull(gpu, "gpu");
  }

  /** One GPU, generic engine, latent MLA cache, no budget, no GPU model. */
  public static Deployment singleGpu() {
    return new Deployment(
        1, 1, Engine.generic(), MlaCacheLayout.LATENT, OptionalLong.empty(), Optional.empty());
  }

  /** GPUs this deployment uses: {@code tensorParallel · pipelineParallel}. */
  public int gpuCount() {
    return Math.multiplyExact(tensorParallel, pipelineParallel);
  }

  /** This deployment with tensor-parallel degree {@code n}. */
  public Deployment withTensorParallel(int n) {
    return new Deployment(n, pipelineParallel, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /** This deployment with pipeline-parallel degree {@code n}. */
  public Deployment withPipelineParallel(int n) {
    return new Deployment(tensorParallel, n, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /** This deployment on engine {@code engine}. */
  public Deployment withEngine(Engine engine) {
    return new Deployment(
        tensorParallel, pipelineParallel, engine, mlaCache, memoryPerGpuBytes, gpu);
  }

  /** This deployment with MLA cache layout {@code layout}. */
  public Deployment withMlaCache(MlaCacheLayout layout) {
    return new Deployment(tensorParallel, pipelineParallel, engine, layout, memoryPerGpuBytes, gpu);
  }

  /** This deployment with a budget of {@code bytes} on every GPU (its GPU model, if any, kept). */
  public Deployment withMemoryPerGpu(long bytes) {
    return new Deployment(
        tensorParallel, pipelineParallel, engine, mlaCache, OptionalLong.of(bytes), gpu);
  }

  /**
   * This deployment on GPUs of model {@code gpu}: the GPU, and its {@link
   * GpuSpec#memoryBudgetBytes()} as the budget of every GPU.
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
