package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.GatedDeltaNet;
import java.util.List;

/**
 * Gated DeltaNet linear attention ({@link GatedDeltaNet}, Qwen3-Next): state {@code valueHeads ·
 * keyHeadDim · valueHeadDim} plus a convolution buffer of {@code 2 · keyHeads · keyHeadDim +
 * valueHeads · valueHeadDim} channels (q, k, v); TP splits both head counts and must divide them.
 */
final class GatedDeltaNetKind implements RecurrentKind {
  private final GatedDeltaNet g;

  GatedDeltaNetKind(GatedDeltaNet deltaNet) {
    this.g = deltaNet;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    long keyDim = (long) g.keyHeads() * g.keyHeadDim();
    long valueDim = (long) g.valueHeads() * g.valueHeadDim();
    out.add(WeightTensor.of(2 * keyDim + 2 * valueDim, h, DENSE, ROWS)); // in_proj_qkvz
    out.add(WeightTensor.of(2L * g.valueHeads(), h, DENSE, ROWS)); // in_proj_ba
    out.add(WeightTensor.of(g.convChannels(), g.convKernel(), UNQUANTIZED, ROWS));
    out.add(WeightTensor.vector(g.valueHeads(), UNQUANTIZED, COLUMNS).times(2)); // dt_bias, A_log
    out.add(WeightTensor.vector(g.valueHeadDim(), UNQUANTIZED, NONE)); // gated RMSNorm per head
    out.add(WeightTensor.of(h, valueDim, DENSE, COLUMNS));
  }

  @Override
  public boolean splitsEvenly(int tp) {
    return g.keyHeads() % tp == 0 && g.valueHeads() % tp == 0;
  }

  @Override
  public long activationWidthPerRank(int tp) {
    long keyDim = ceilDiv(g.keyHeads(), tp) * g.keyHeadDim();
    long valueDim = ceilDiv(g.valueHeads(), tp) * g.valueHeadDim();
    return 2 * keyDim + 2 * valueDim + 2 * ceilDiv(g.valueHeads(), tp) + 2 * keyDim + 2 * valueDim;
  }

  @Override
  public long stateRowsPerRank(int tp) {
    return ceilDiv(g.valueHeads(), tp) * g.keyHeadDim();
  }

  @Override
  public long stateColumns() {
    return g.valueHeadDim();
  }

  @Override
  public long convChannelsPerRank(int tp) {
    return 2 * ceilDiv(g.keyHeads(), tp) * g.keyHeadDim()
        + ceilDiv(g.valueHeads(), tp) * g.valueHeadDim();
  }

  @Override
  public int convKernel() {
    return g.convKernel();
  }
}
