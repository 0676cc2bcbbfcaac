/**
 * vLLM (V1 engine): its settings ({@link io.hwledger.math.engine.vllm.VllmEngine}), its memory
 * accounting (utilisation budget, profiled peak, KV blocks) and its {@code vllm serve} command line
 * ({@link io.hwledger.math.engine.vllm.VllmEngineModel}).
 */
package io.hwledger.math.engine.vllm;
