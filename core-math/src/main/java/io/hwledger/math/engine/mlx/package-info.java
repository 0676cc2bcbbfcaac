/**
 * MLX ({@code mlx-lm}): its settings ({@link io.hwledger.math.engine.mlx.MlxEngine}), its memory
 * accounting (everything in the wired working set, a cache growing in 256-token steps, optional
 * quantised and rotating caches) and its command line ({@link
 * io.hwledger.math.engine.mlx.MlxEngineModel}).
 */
package io.hwledger.math.engine.mlx;
