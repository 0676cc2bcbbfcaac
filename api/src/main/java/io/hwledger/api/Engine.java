package io.hwledger.api;

/**
 * An inference engine and the settings that decide how it budgets GPU memory. The planner models
 * each engine's own accounting: what it reserves, how it sizes the KV cache, and what a workload
 * can get from it ({@link EnginePlan}).
 *
 * <p>Settings left empty take the engine's own default, which may depend on the GPU or the
 * workload; each record documents its defaults and the engine version it follows.
 */
public sealed interface Engine
    permits GenericEngine, VllmEngine, LlamaCppEngine, SglangEngine, TensorRtLlmEngine, MlxEngine {

  /** Which engine this is. */
  EngineProfile profile();

  /** The generic engine: caches sized exactly for the workload. */
  static Engine generic() {
    return GenericEngine.INSTANCE;
  }

  /** The engine {@code profile} with every setting at its default. */
  static Engine defaults(EngineProfile profile) {
    switch (profile) {
      case GENERIC:
        return GenericEngine.INSTANCE;
      case VLLM:
        return VllmEngine.defaults();
      case LLAMA_CPP:
        return LlamaCppEngine.defaults();
      case SGLANG:
        return SglangEngine.defaults();
      case TENSORRT_LLM:
        return TensorRtLlmEngine.defaults();
      case MLX:
        return MlxEngine.defaults();
    }
    throw new AssertionError(profile);
  }
}
