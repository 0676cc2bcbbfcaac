/**
 * hwLedger's planner: memory plans, solvers and the speed model; the GGUF, safetensors and {@code
 * config.json} readers; the model and GPU catalogs; and the engine SPI with the built-in engine
 * models, which third-party engines join through {@code provides
 * io.hwledger.math.engine.EngineModel}.
 */
module io.hwledger.math {
  requires transitive io.hwledger.api;
  // StrictJson and the GGUF and safetensors readers expose Jackson types
  requires transitive com.fasterxml.jackson.databind;

  exports io.hwledger.math;
  exports io.hwledger.math.gguf;
  exports io.hwledger.math.safetensors;
  exports io.hwledger.math.local;
  exports io.hwledger.math.engine;
  exports io.hwledger.math.engine.generic;
  exports io.hwledger.math.engine.vllm;
  exports io.hwledger.math.engine.llamacpp;
  exports io.hwledger.math.engine.sglang;
  exports io.hwledger.math.engine.trtllm;
  exports io.hwledger.math.engine.mlx;

  uses io.hwledger.math.engine.EngineModel;

  provides io.hwledger.math.engine.EngineModel with
      io.hwledger.math.engine.generic.GenericEngineModel,
      io.hwledger.math.engine.vllm.VllmEngineModel,
      io.hwledger.math.engine.llamacpp.LlamaCppEngineModel,
      io.hwledger.math.engine.sglang.SglangEngineModel,
      io.hwledger.math.engine.trtllm.TensorRtLlmEngineModel,
      io.hwledger.math.engine.mlx.MlxEngineModel;
}
