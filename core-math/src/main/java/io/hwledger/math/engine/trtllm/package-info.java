/**
 * TensorRT-LLM: its settings ({@link io.hwledger.math.engine.trtllm.TensorRtLlmEngine}), its memory
 * accounting (a paged KV pool of a fraction of the memory left free) and its {@code trtllm-serve}
 * command line ({@link io.hwledger.math.engine.trtllm.TensorRtLlmEngineModel}).
 */
package io.hwledger.math.engine.trtllm;
