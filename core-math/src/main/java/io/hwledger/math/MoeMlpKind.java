package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.EXPERT;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.MoeMlp;
import java.util.ArrayList;
import java.util.List;

/**
 * A mixture-of-experts block ({@link MoeMlp}): a replicated router, routed experts stored in {@link
 * io.hwledger.api.Precision#expertWeights()}, and optional shared experts with their gate. A token
 * uses its top-k routed experts; a pass of {@code B} tokens reads {@code E · (1 − (1 − k/E)^B)}
 * distinct experts in expectation (independent, uniform routing).
 */
final class MoeMlpKind implements MlpKind {
  private final MoeMlp moe;

  MoeMlpKind(MoeMlp moe) {
    this.moe = moe;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    out.add(WeightTensor.of(moe.experts(), h, UNQUANTIZED, NONE).named("ffn_gate_inp"));
    if (moe.routerBias()) {
      out.add(WeightTensor.vector(moe.experts(), UNQUANTIZED, NONE));
    }
    addRoutedExperts(h, out);
    if (moe.sharedWidth() > 0) {
      DenseMlpKind.addProjections(moe.sharedWidth(), moe.gated(), false, DENSE, "_shexp", h, out);
      if (moe.sharedGate()) {
        out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
      }
    }
  }

  @Override
  public long activationWidthPerRank(int tp) {
    int perExpert = moe.gated() ? 3 : 2;
    return moe.experts()
        + (long) moe.topK() * ceilDiv(moe.expertWidth(), tp) * perExpert
        + ceilDiv(moe.sharedWidth(), tp) * perExpert;
  }

  /** The routed experts outside a token's top-k: {@code routed − routed / experts · topK}. */
  @Override
  public long inactiveParameters(int hidden) {
    List<WeightTensor> experts = new ArrayList<>();
    addRoutedExperts(hidden, experts);
    long routed = experts.stream().mapToLong(WeightTensor::parameters).sum();
    return routed - routed / moe.experts() * moe.topK();
  }

  @Override
  public double routedExpertsReadFraction(long tokens) {
    return expectedDistinctExperts(moe.experts(), moe.topK(), tokens) / moe.experts();
  }

  /** Expected distinct experts of {@code experts} that {@code tokens} tokens choose top-k among. */
  static double expectedDistinctExperts(int experts, int topK, long tokens) {
    return experts * (1 - Math.pow(1 - (double) topK / experts, (double) tokens));
  }

  private void addRoutedExperts(int h, List<WeightTensor> out) {
    List<WeightTensor> one = new ArrayList<>();
    DenseMlpKind.addProjections(
        moe.expertWidth(), moe.gated(), moe.expertBias(), EXPERT, "_exps", h, one);
    for (WeightTensor t : one) {
      out.add(t.times(moe.experts()));
    }
  }
}
