/**
 * The model checkpoints on this host: {@link io.hwledger.math.local.CheckpointFinder} finds GGUF
 * files and safetensors directories under a directory and reads each one's headers into the model
 * and weight bytes the planner takes.
 */
package io.hwledger.math.local;
