package io.hwledger.math;

import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;

/**
 * The registration of mixer and MLP kinds: the one place that maps each api record ({@link Mixer},
 * {@link Mlp}, sealed in {@code hwledger-api}) to the class that knows its math. Everything else
 * asks the kind. Java 17 has no pattern {@code switch}, so the mapping is a chain of {@code
 * instanceof} patterns; {@code KindsTest} checks that it covers every permitted subtype.
 */
final class Kinds {
  private Kinds() {}

  /** The kind of {@code mixer}. */
  static MixerKind of(Mixer mixer) {
    if (mixer instanceof Attention attention) {
      return new AttentionKind(attention);
    }
    if (mixer instanceof LatentAttention mla) {
      return new LatentAttentionKind(mla);
    }
    if (mixer instanceof Mamba1 mamba1) {
      return new Mamba1Kind(mamba1);
    }
    if (mixer instanceof Mamba2 mamba2) {
      return new Mamba2Kind(mamba2);
    }
    if (mixer instanceof GatedDeltaNet deltaNet) {
      return new GatedDeltaNetKind(deltaNet);
    }
    throw new IllegalArgumentException("no mixer kind for " + mixer.getClass().getName());
  }

  /** The kind of {@code mlp}. */
  static MlpKind of(Mlp mlp) {
    if (mlp instanceof DenseMlp dense) {
      return new DenseMlpKind(dense);
    }
    if (mlp instanceof MoeMlp moe) {
      return new MoeMlpKind(moe);
    }
    if (mlp instanceof NoMlp) {
      return NoMlpKind.INSTANCE;
    }
    throw new IllegalArgumentException("no MLP kind for " + mlp.getClass().getName());
  }
}
