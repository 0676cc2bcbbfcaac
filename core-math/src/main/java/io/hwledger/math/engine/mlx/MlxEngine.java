package io.hwledger.math.engine.mlx;

import io.hwledger.api.DType;
import io.hwledger.api.Engine;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * MLX ({@code mlx-lm} 0.32): weights and a KV cache that grows in steps of 256 tokens, all within
 * the GPU's wired working set (Metal's {@code recommendedMaxWorkingSetSize}, which {@code mlx-lm}
 * sets as the wired limit while generating).
 *
 * @param maxKvSize {@code --max-kv-size}: a rotating cache keeping this many tokens per sequence
 *     (the first 4 always kept); empty: unbounded
 * @param kvBits {@code --kv-bits}: a quantised KV cache ({@link DType#affine}) with this many bits;
 *     empty: the cache in the model's activation format (the precision's K and V formats)
 * @param kvGroupSize {@code --kv-group-size}: 32, 64 (default) or 128
 */
public record MlxEngine(OptionalLong maxKvSize, OptionalInt kvBits, int kvGroupSize)
    implements Engine {

  /** The engine's identifier. */
  public static final String ID = "mlx";

  /** {@code mlx-lm}'s default KV quantisation group. */
  public static final int DEFAULT_GROUP = 64;

  /**
   * Validates the settings.
   *
   * @param maxKvSize {@code --max-kv-size}, tokens per sequence; empty: unbounded
   * @param kvBits {@code --kv-bits}; empty: an unquantised cache
   * @param kvGroupSize {@code --kv-group-size}, elements per scale and bias
   * @throws IllegalArgumentException if {@code maxKvSize} is not positive, {@code kvBits} is not 2,
   *     3, 4, 5, 6 or 8, or {@code kvGroupSize} is not 32, 64 or 128 (checked even without {@code
   *     kvBits})
   */
  public MlxEngine {
    maxKvSize.ifPresent(
        n -> {
          if (n <= 0) {
            throw new IllegalArgumentException("maxKvSize must be positive, was " + n);
          }
        });
    kvBits.ifPresent(
        bits -> {
          if (bits < 2 || bits > 8 || bits == 7) {
            throw new IllegalArgumentException("kvBits must be 2, 3, 4, 5, 6 or 8, was " + bits);
          }
        });
    DType.affine(kvBits.orElse(8), kvGroupSize); // validates the group size
  }

  /**
   * {@code mlx-lm} without cache options.
   *
   * @return an unbounded, unquantised cache (the precision's K and V formats), group size {@value
   *     #DEFAULT_GROUP}
   */
  public static MlxEngine defaults() {
    return new MlxEngine(OptionalLong.empty(), OptionalInt.empty(), DEFAULT_GROUP);
  }

  @Override
  public String id() {
    return ID;
  }
}
