package io.hwledger.math;

/** Which resource limits a forward pass in the speed model. */
public enum SpeedBound {
  /** Reading weights, KV cache and state from GPU memory. */
  MEMORY,
  /** Matrix arithmetic at the GPU's peak throughput times the model-FLOPs utilisation. */
  COMPUTE
}
