package io.hwledger.api;

/**
 * How an inference engine lays out memory beyond weights and cache. Only the generic profile exists
 * so far; engine-exact profiles (vLLM, llama.cpp, MLX, SGLang, TensorRT-LLM) are planned.
 */
public enum EngineProfile {
  /**
   * No particular engine: caches sized exactly for the workload (no paging granularity), an
   * activation peak for one prefill chunk, and a fixed runtime overhead per GPU. The assumptions
   * are documented on the planner.
   */
  GENERIC
}
