package io.hwledger.math;

import java.util.List;

/** A layer without a feed-forward block ({@link io.hwledger.api.NoMlp}): no tensors, no width. */
enum NoMlpKind implements MlpKind {
  /** The only instance. */
  INSTANCE;

  @Override
  public void addTensors(int hidden, List<WeightTensor> out) {}

  @Override
  public long activationWidthPerRank(int tp) {
    return 0;
  }
}
