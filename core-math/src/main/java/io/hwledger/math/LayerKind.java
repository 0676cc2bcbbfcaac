package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.NONE;

import io.hwledger.api.LayerSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One distinct layer structure of a model: its mixer kind, its MLP kind and its norms, with the
 * tensors and parameters they add up to precomputed. What the layer caches, keeps as state, splits
 * and computes is its {@link #mixer}'s and {@link #mlp}'s to say.
 */
final class LayerKind {
  final LayerSpec spec;
  final MixerKind mixer;
  final MlpKind mlp;
  final List<WeightTensor> tensors;
  final long parameters;
  final long activeParameters;

  LayerKind(LayerSpec spec, int hidden, NormKind norm) {
    this.spec = spec;
    this.mixer = Kinds.of(spec.mixer());
    this.mlp = Kinds.of(spec.mlp());
    List<WeightTensor> out = new ArrayList<>();
    mixer.addTensors(hidden, out);
    mlp.addTensors(hidden, out);
    if (spec.norms() > 0) {
      out.add(
          WeightTensor.of(norm.parametersPerElement(), hidden, UNQUANTIZED, NONE)
              .times(spec.norms())
              .named("norms"));
    }
    this.tensors = List.copyOf(out);
    long params = 0;
    for (WeightTensor t : tensors) {
      params = Math.addExact(params, t.parameters());
    }
    this.parameters = params;
    this.activeParameters = params - mlp.inactiveParameters(hidden);
  }

  /** Bytes of this layer's weights on one rank of {@code tp}. */
  long weightBytesPerRank(Precision precision, int tp) {
    long sum = 0;
    for (WeightTensor t : tensors) {
      sum = Math.addExact(sum, t.bytesPerRank(precision, tp));
    }
    return sum;
  }

  /** Tokens this layer caches for a sequence of {@code context} tokens. */
  long cachedTokens(long context) {
    OptionalLong w = mixer.window();
    return w.isPresent() ? Math.min(context, w.getAsLong()) : context;
  }

  /**
   * Activation elements one token holds at the widest point of this layer on one rank, beyond the
   * residual stream: the mixer's projections or the MLP's intermediate, whichever is wider (they
   * run one after the other).
   */
  long activationWidthPerRank(int tp) {
    return Math.max(mixer.activationWidthPerRank(tp), mlp.activationWidthPerRank(tp));
  }
}
