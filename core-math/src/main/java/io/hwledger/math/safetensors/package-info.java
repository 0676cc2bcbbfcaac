/**
 * Reads the headers of Hugging Face safetensors checkpoints (one file, or shards listed by a {@code
 * model.safetensors.index.json}) without touching tensor data: every tensor's dtype, shape and byte
 * range, exact parameter counts for packed quantised tensors, and the per-layer weight bytes the
 * planner takes as {@link io.hwledger.math.CheckpointWeights}. Entry point: {@link
 * io.hwledger.math.safetensors.SafetensorsReader}.
 */
package io.hwledger.math.safetensors;
